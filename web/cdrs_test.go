package web

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
)

// addCDRs stores n calls a minute apart before base, newest i=0: even ones
// answered from 1001, odd ones busy from 1002, every fifth outbound on
// "carrier".
func addCDRs(t *testing.T, st *store.Store, base time.Time, n int) {
	t.Helper()
	var cs []*store.CDR
	for i := range n {
		start := base.Add(-time.Duration(i) * time.Minute)
		c := &store.CDR{CallID: fmt.Sprintf("c%d@test", i), Caller: "1001", Callee: "1003", Direction: "internal",
			StartTime: start, EndTime: start.Add(time.Minute), Status: store.StatusAnswered, EndedReason: "caller_hangup"}
		if i%2 == 1 {
			c.Caller, c.Status = "1002", store.StatusBusy
		}
		if i%5 == 0 {
			c.Direction, c.Trunk, c.Callee = "outbound", "carrier", "+4930123"
		}
		cs = append(cs, c)
	}
	if err := st.AddCDRs(cs); err != nil {
		t.Fatal(err)
	}
}

func TestCDRSearchJSON(t *testing.T) {
	srv, _, st := liveServer(t)
	base := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	addCDRs(t, st, base, 30)
	type want struct {
		total int
		ids   string // the page's call ids, without "@test"
	}
	for query, w := range map[string]want{
		"limit=3":                                {30, "c0,c1,c2"},
		"limit=3&offset=2":                       {30, "c2,c3,c4"},
		"number=1002&limit=2":                    {15, "c1,c3"},
		"status=busy&direction=outbound&limit=9": {3, "c5,c15,c25"},
		"trunk=carrier&limit=2":                  {6, "c0,c5"},
		"call_id=c7@test":                        {1, "c7"},
		"q=C1@&limit=5":                          {1, "c1"},
		"q=4930&limit=1":                         {6, "c0"},
		"from=2025-06-01T11:58:00Z&to=2025-06-01T12:00:00Z":     {2, "c1,c2"},
		"since=2025-06-01T11:58:00Z&until=2025-06-01T12:00:00Z": {2, "c1,c2"},
		"number=999": {0, ""},
	} {
		res, err := http.Get(srv.URL + "/api/v1/cdrs?" + query)
		if err != nil {
			t.Fatal(err)
		}
		var cs []store.CDR
		err = decodeJSON(res, &cs)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("%s: %d %v", query, res.StatusCode, err)
		}
		var ids []string
		for _, c := range cs {
			ids = append(ids, strings.TrimSuffix(c.CallID, "@test"))
		}
		if got := strings.Join(ids, ","); got != w.ids || res.Header.Get("X-Total-Count") != strconv.Itoa(w.total) {
			t.Errorf("%s: %s total %s, want %s total %d", query, got, res.Header.Get("X-Total-Count"), w.ids, w.total)
		}
	}
	// Keyset paging follows X-Next-After to the end.
	var all []string
	next := ""
	for range 20 {
		res, err := http.Get(srv.URL + "/api/v1/cdrs?status=answered&limit=4&after=" + next)
		if err != nil {
			t.Fatal(err)
		}
		var cs []store.CDR
		if err := decodeJSON(res, &cs); err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			all = append(all, c.CallID)
		}
		if next = res.Header.Get("X-Next-After"); next == "" {
			break
		}
	}
	if len(all) != 15 || all[0] != "c0@test" || all[14] != "c28@test" {
		t.Errorf("paged %v", all)
	}
}

func decodeJSON(res *http.Response, v any) error {
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func TestCDRSearchValidation(t *testing.T) {
	srv, _, _ := liveServer(t)
	for query, param := range map[string]string{
		"status=ok":          "status",
		"direction=sideways": "direction",
		"from=yesterday":     "from",
		"until=2025-13-01":   "until",
		"limit=x":            "limit",
		"limit=10001":        "limit",
		"offset=-1":          "offset",
		"offset=99999999":    "offset",
		"format=xml":         "format",
		"after=abc":          "after",
		"q=" + strings.Repeat("a", store.MaxCDRSearchText+1): "q",
		"number=%00":          "number",
		"format=csv&limit=-2": "limit",
	} {
		code, _, body := liveGet(t, srv.URL+"/api/v1/cdrs?"+query, nil)
		if code != 400 || !strings.Contains(body, `"error"`) || !strings.Contains(body, param) {
			t.Errorf("%.40s: %d %s, want 400 naming %s", query, code, body, param)
		}
	}
}

func TestCDRSearchCSV(t *testing.T) {
	srv, _, st := liveServer(t)
	base := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	// More than a chunk, so the export takes several store reads.
	addCDRs(t, st, base, 2*csvChunk+7)
	evil := &store.CDR{CallID: "evil@test", Caller: "=HYPERLINK(\"x\")", CallerName: "Smith, \"Bob\"", Callee: "@SUM(1)",
		Direction: "internal", StartTime: base.Add(time.Hour), EndTime: base.Add(time.Hour), Status: store.StatusFailed,
		EndedReason: "-x", FailCode: 500}
	if err := st.AddCDR(evil); err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(srv.URL + "/api/v1/cdrs?format=csv")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("%d %v", res.StatusCode, res.Header)
	}
	raw, _ := io.ReadAll(res.Body)
	if !strings.Contains(string(raw), "\r\n") {
		t.Error("lines do not end with CRLF (RFC 4180)")
	}
	rows, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v", err)
	}
	if strings.Join(rows[0], ",") != strings.Join(cdrCSVHeader, ",") {
		t.Errorf("header %v", rows[0])
	}
	if len(rows) != 1+2*csvChunk+7+1 {
		t.Fatalf("%d rows, want header + %d", len(rows), 2*csvChunk+8)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	e := rows[1] // newest first
	if e[col["call_id"]] != "evil@test" || e[col["caller"]] != "'=HYPERLINK(\"x\")" || e[col["callee"]] != "'@SUM(1)" ||
		e[col["caller_display_name"]] != "Smith, \"Bob\"" || e[col["ended_reason"]] != "'-x" || e[col["fail_code"]] != "500" {
		t.Errorf("row %q", e)
	}
	if e[col["start_time"]] != "2025-06-01T13:00:00Z" || e[col["answer_time"]] != "" {
		t.Errorf("times %q", e)
	}
	if r := rows[2]; r[col["callee"]] != "'+4930123" || r[col["trunk"]] != "carrier" {
		t.Errorf("outbound row %q", r)
	}

	// Filters and a limit apply to the export.
	code, _, body := liveGet(t, srv.URL+"/api/v1/cdrs?format=csv&"+url.Values{"number": {"1002"}, "limit": {"1500"}}.Encode(), nil)
	rows, err = csv.NewReader(strings.NewReader(body)).ReadAll()
	if code != 200 || err != nil || len(rows) != 1+1003 { // 1003 odd ones in 2007
		t.Errorf("filtered export: %d %v, %d rows", code, err, len(rows))
	}
	code, _, body = liveGet(t, srv.URL+"/api/v1/cdrs?format=csv&limit=1001", nil)
	if rows, _ := csv.NewReader(strings.NewReader(body)).ReadAll(); code != 200 || len(rows) != 1+1001 {
		t.Errorf("limited export: %d, %d rows", code, len(rows))
	}
}

func TestCSVSafe(t *testing.T) {
	for in, want := range map[string]string{"": "", "1001": "1001", "=1+1": "'=1+1", "+49": "'+49", "-1": "'-1",
		"@x": "'@x", "\tx": "'\tx", "\rx": "'\rx", "a=b": "a=b"} {
		if got := csvSafe(in); got != want {
			t.Errorf("csvSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
