package web

import (
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
)

// CDR search limits.
const (
	// maxCDROffset bounds ?offset (deep pages: use ?after).
	maxCDROffset = 1_000_000
	// maxCSVRows bounds a CSV export's ?limit; 0 exports every match.
	maxCSVRows = 10_000_000
	// csvChunk is how many records a CSV export reads per store
	// transaction: the export never holds one open while the client reads.
	csvChunk = 1000
	// cdrWriteTimeout drops a CSV client that stops reading.
	cdrWriteTimeout = 30 * time.Second
)

// cdrs searches the CDRs (GET /api/v1/cdrs), newest first:
//
//	from, to     RFC 3339 start-time bounds, [from, to) (since, until: the same)
//	number       the caller or the callee, exactly
//	q            a substring of caller, caller name, callee, final destination or Call-ID
//	status       answered, no_answer, busy, failed, canceled, rejected
//	direction    internal, inbound, outbound, transit
//	trunk        the trunk out or in
//	call_id      the caller's Call-ID
//	limit        page size (JSON: 1-10000, default 100; CSV: default all)
//	offset       matches to skip; after: the X-Next-After of the previous page
//	format       json (default) or csv
//
// JSON answers a list with X-Total-Count (every match) and, when more
// follow, X-Next-After. CSV streams text/csv.
func (a *API) cdrs(w http.ResponseWriter, r *http.Request) {
	vals := r.URL.Query()
	q, err := parseCDRSearch(vals)
	if err != nil {
		writeErr(w, 400, err)
		return
	}
	q.Tenant = scopeOf(r) // a tenant's principal searches its calls only (tenantscope.go)
	switch f := vals.Get("format"); f {
	case "", "json":
	case "csv":
		a.cdrCSV(w, r, q)
		return
	default:
		writeErr(w, 400, fmt.Errorf("format %q: want json or csv", f))
		return
	}
	if err := cdrLimit(vals, &q.Limit, store.MaxCDRLimit); err != nil {
		writeErr(w, 400, err)
		return
	}
	q.Count = true
	page, err := a.B.SearchCDRs(q)
	if err != nil {
		if !errors.Is(err, store.ErrCorrupt) {
			writeErr(w, statusOf(err), err)
			return
		}
		// Unreadable records are left out; the rest is still worth showing.
		w.Header().Set("X-Warning", "some call records could not be read and are left out")
	}
	w.Header().Set("X-Total-Count", strconv.Itoa(page.Total))
	if page.Next != "" {
		w.Header().Set("X-Next-After", page.Next)
	}
	writeJSON(w, 200, page.CDRs)
}

// parseCDRSearch reads the filters and paging, not the limit.
func parseCDRSearch(vals url.Values) (store.CDRSearch, error) {
	q := store.CDRSearch{Number: vals.Get("number"), Text: vals.Get("q"), Status: vals.Get("status"),
		Direction: vals.Get("direction"), Trunk: vals.Get("trunk"), CallID: vals.Get("call_id"), After: vals.Get("after")}
	for _, b := range [...]struct {
		names [2]string
		dst   *time.Time
	}{{[2]string{"from", "since"}, &q.Since}, {[2]string{"to", "until"}, &q.Until}} {
		for _, name := range b.names {
			v := vals.Get(name)
			if v == "" {
				continue
			}
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return q, fmt.Errorf("%s must be an RFC 3339 time such as 2025-06-01T09:00:00Z: %q", name, v)
			}
			*b.dst = t
		}
	}
	if v := vals.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxCDROffset {
			return q, fmt.Errorf("offset must be a number from 0 to %d", maxCDROffset)
		}
		q.Offset = n
	}
	// The store names the field at fault with the parameter's name.
	if err := q.Validate(); err != nil {
		return q, err
	}
	return q, nil
}

// cdrLimit reads ?limit into dst: 0 to max (0 keeps the default).
func cdrLimit(vals url.Values, dst *int, max int) error {
	v := vals.Get("limit")
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > max {
		return fmt.Errorf("limit must be a number from 0 to %d", max)
	}
	*dst = n
	return nil
}

// cdrCSVHeader names the CSV columns (the CDR's JSON names).
var cdrCSVHeader = []string{"id", "call_id", "start_time", "answer_time", "end_time", "caller",
	"caller_display_name", "callee", "final_dest", "direction", "trunk", "inbound_trunk", "call_status",
	"ring_duration", "talk_duration", "ended_reason", "fail_code"}

func cdrCSVRow(c *store.CDR) []string {
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	row := []string{c.ID, c.CallID, ts(c.StartTime), ts(c.AnswerTime), ts(c.EndTime), c.Caller,
		c.CallerName, c.Callee, c.FinalDest, c.Direction, c.Trunk, c.InboundTrunk, c.Status,
		strconv.Itoa(c.RingSeconds), strconv.Itoa(c.TalkSeconds), c.EndedReason, strconv.Itoa(c.FailCode)}
	for i := range row {
		row[i] = csvSafe(row[i])
	}
	return row
}

// csvSafe defuses a cell that a spreadsheet would run as a formula (OWASP
// "CSV injection"): one that starts with = + - @, a tab or a carriage
// return gets a leading single quote. A caller "+4930..." shows as
// '+4930... for that reason.
func csvSafe(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// cdrCSV streams the matches as RFC 4180 CSV, a chunk per store read.
func (a *API) cdrCSV(w http.ResponseWriter, r *http.Request, q store.CDRSearch) {
	total := 0
	if err := cdrLimit(r.URL.Query(), &total, maxCSVRows); err != nil {
		writeErr(w, 400, err)
		return
	}
	q.Limit = csvChunk
	q.Count = false
	rc := http.NewResponseController(w)
	// No deadline left behind on a keep-alive connection's next request.
	defer rc.SetWriteDeadline(time.Time{})
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180
	started := false
	for sent := 0; total == 0 || sent < total; {
		if total > 0 {
			q.Limit = min(csvChunk, total-sent)
		}
		page, err := a.B.SearchCDRs(q)
		if err != nil && !errors.Is(err, store.ErrCorrupt) {
			if !started {
				writeErr(w, statusOf(err), err)
			}
			return // mid-stream: the short file is all we can say
		}
		if !started {
			h := w.Header()
			h.Set("Content-Type", "text/csv; charset=utf-8")
			h.Set("Content-Disposition", `attachment; filename="cdrs.csv"`)
			w.WriteHeader(200)
			cw.Write(cdrCSVHeader)
			started = true
		}
		for i := range page.CDRs {
			cw.Write(cdrCSVRow(&page.CDRs[i]))
		}
		sent += len(page.CDRs)
		if err := rc.SetWriteDeadline(time.Now().Add(cdrWriteTimeout)); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return
		}
		cw.Flush()
		if cw.Error() != nil || r.Context().Err() != nil {
			return
		}
		rc.Flush()
		if page.Next == "" {
			return
		}
		q.After, q.Offset = page.Next, 0
	}
}
