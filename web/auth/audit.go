package auth

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
)

const (
	// auditPeek is how much of a body the audit reads to summarize it.
	auditPeek = 4 << 10
	// maxSummary bounds a summary (the store takes up to 1 KiB).
	maxSummary = 400
)

// secretWords mark JSON fields whose values the audit never shows.
var secretWords = []string{"password", "passwd", "pwd", "secret", "pin", "token", "apikey", "api_key", "credential"}

func secretField(name string) bool {
	n := strings.ToLower(name)
	for _, w := range secretWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// mask replaces the values of secret fields, at any depth.
func mask(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if secretField(k) {
				t[k] = "***"
			} else {
				t[k] = mask(x)
			}
		}
	case []any:
		for i := range t {
			t[i] = mask(t[i])
		}
	}
	return v
}

// summarize describes a request body: small JSON masked and shortened,
// anything else by type and size.
func summarize(body []byte, complete bool, r *http.Request) string {
	if len(body) == 0 {
		return ""
	}
	ct := r.Header.Get("Content-Type")
	if complete && (strings.HasPrefix(ct, "application/json") || ct == "" && (body[0] == '{' || body[0] == '[')) {
		var v any
		if json.Unmarshal(body, &v) == nil {
			b, _ := json.Marshal(mask(v))
			s := string(b)
			if len(s) > maxSummary {
				s = s[:maxSummary] + "..."
			}
			return s
		}
	}
	if ct == "" {
		ct = "body"
	}
	size := strconv.Itoa(len(body))
	if !complete {
		size = ">" + size
		if r.ContentLength > 0 {
			size = strconv.FormatInt(r.ContentLength, 10)
		}
	}
	return cleanName(ct) + ", " + size + " bytes"
}

// auditWriter remembers the status a handler answers and records the
// request when record is called.
type auditWriter struct {
	http.ResponseWriter
	s       *Service
	e       store.AuditEntry
	body    []byte
	whole   bool
	r       *http.Request
	status  int
	written bool
}

func (s *Service) auditWriter(w http.ResponseWriter, r *http.Request, p Principal, pattern string) *auditWriter {
	aw := &auditWriter{ResponseWriter: w, s: s, r: r, e: store.AuditEntry{User: p.User, Role: p.Role, Via: p.Via,
		IP: clientIP(r), Method: r.Method, Route: pattern, Path: cleanName(r.URL.Path)}}
	if len(aw.e.Path) > 200 {
		aw.e.Path = aw.e.Path[:200]
	}
	// Peek at the body and hand the handler all of it.
	if r.Body != nil && r.Body != http.NoBody {
		buf := make([]byte, auditPeek+1)
		n, err := io.ReadFull(r.Body, buf)
		aw.body, aw.whole = buf[:n], err != nil && n <= auditPeek
		r.Body = readCloser{io.MultiReader(bytes.NewReader(aw.body), r.Body), r.Body}
	}
	return aw
}

type readCloser struct {
	io.Reader
	io.Closer
}

func (a *auditWriter) WriteHeader(code int) {
	if !a.written {
		a.status, a.written = code, true
	}
	a.ResponseWriter.WriteHeader(code)
}

func (a *auditWriter) Write(b []byte) (int, error) {
	if !a.written {
		a.status, a.written = http.StatusOK, true
	}
	return a.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (a *auditWriter) Unwrap() http.ResponseWriter { return a.ResponseWriter }

func (a *auditWriter) Flush() {
	if f, ok := a.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (a *auditWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := a.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, fmt.Errorf("hijack: %T cannot", a.ResponseWriter)
	}
	a.status, a.written = http.StatusSwitchingProtocols, true
	return h.Hijack()
}

func (a *auditWriter) record() {
	a.e.Status = a.status
	if !a.written {
		a.e.Status = http.StatusOK
	}
	a.e.Summary = summarize(a.body, a.whole, a.r)
	a.s.audit(&a.e)
}

// audit stores an entry; a failure is logged, never the request's.
func (s *Service) audit(e *store.AuditEntry) {
	if s.cfg.Store == nil {
		return
	}
	e.Time = s.cfg.Now()
	if err := s.cfg.Store.AddAudit(e, s.cfg.AuditKeep); err != nil {
		s.cfg.Logger.Warn("audit: entry not stored", "err", err, "user", e.User, "method", e.Method, "path", e.Path)
	}
}

// listAudit serves GET /api/v1/audit?user=&since=&until=&limit=&offset=.
func (s *Service) listAudit(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Store == nil {
		writeErr(w, http.StatusServiceUnavailable, errNoStore)
		return
	}
	qv := r.URL.Query()
	q := store.AuditQuery{User: qv.Get("user")}
	for name, dst := range map[string]*int{"limit": &q.Limit, "offset": &q.Offset} {
		if v := qv.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				writeErr(w, http.StatusBadRequest, fmt.Errorf("%s must be a number from 0", name))
				return
			}
			*dst = n
		}
	}
	for name, dst := range map[string]*time.Time{"since": &q.Since, "until": &q.Until} {
		if v := qv.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				writeErr(w, http.StatusBadRequest, fmt.Errorf("%s must be an RFC 3339 time: %w", name, err))
				return
			}
			*dst = t
		}
	}
	list, err := s.cfg.Store.ListAudit(q)
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}
