package lua

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	glua "github.com/yuin/gopher-lua"
)

// HTTP limits: a script's request waits at most its remaining budget and
// reads at most MaxString bytes of body.
const (
	maxHTTPHeaders = 32
)

// httpModule: http.get(url[, opts]) and http.post(url, body[, opts]) ->
// {status=, body=, headers=} | nil, err. opts: {headers = {...}, timeout =
// seconds}.
func (st *state) httpModule() *glua.LTable {
	L := st.L
	t := L.NewTable()
	t.RawSetString("get", L.NewFunction(func(L *glua.LState) int {
		return st.httpDo(L, http.MethodGet, L.CheckString(1), "", 2)
	}))
	t.RawSetString("post", L.NewFunction(func(L *glua.LState) int {
		body := L.CheckString(2)
		return st.httpDo(L, http.MethodPost, L.CheckString(1), body, 3)
	}))
	return t
}

func (st *state) httpDo(L *glua.LState, method, rawURL, body string, optArg int) int {
	fn := "http." + strings.ToLower(method)
	fail := func(err error) int {
		L.Push(glua.LNil)
		L.Push(glua.LString(fn + ": " + truncateErr(err.Error())))
		return 2
	}
	headers, timeout := st.httpOpts(L, fn, optArg)
	if st.e.http == nil {
		return fail(errors.New("no host allowed (the engine's HTTPAllow list is empty)"))
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return fail(err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fail(fmt.Errorf("scheme %q: want http or https", u.Scheme))
	}
	if !st.e.allow.Permits(u) {
		return fail(fmt.Errorf("host %s is not in the allow list", u.Host))
	}
	// The request gets what is left of the budget at most.
	ctx := st.ctx
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		if left <= 0 {
			return fail(ErrBudget)
		}
		if timeout == 0 || timeout > left {
			timeout = left
		}
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	var rd io.Reader
	if method == http.MethodPost {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return fail(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := st.e.http.Do(req)
	if err != nil {
		return fail(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxString+1))
	if err != nil {
		return fail(err)
	}
	if len(b) > MaxString {
		return fail(fmt.Errorf("response body larger than %d bytes", MaxString))
	}
	out := L.CreateTable(0, 3)
	out.RawSetString("status", glua.LNumber(resp.StatusCode))
	out.RawSetString("body", glua.LString(b))
	h := L.CreateTable(0, len(resp.Header))
	for k, v := range resp.Header {
		h.RawSetString(k, glua.LString(strings.Join(v, ", ")))
	}
	out.RawSetString("headers", h)
	L.Push(out)
	return 1
}

// httpOpts reads {headers = {name = value}, timeout = seconds}; mistakes
// raise an error.
func (st *state) httpOpts(L *glua.LState, fn string, n int) (map[string]string, time.Duration) {
	v := L.Get(n)
	if v == glua.LNil {
		return nil, 0
	}
	t, ok := v.(*glua.LTable)
	if !ok {
		argError(L, fn, "options must be a table, got %s", v.Type())
	}
	if derr := checkFields(t, []string{"headers", "timeout"}); derr != nil {
		argError(L, fn, "options: field %q: %s", derr.field, derr.msg)
	}
	var timeout time.Duration
	if to := t.RawGetString("timeout"); to != glua.LNil {
		secs, ok := to.(glua.LNumber)
		if !ok || !(secs > 0) || secs > 600 {
			argError(L, fn, "timeout must be seconds in (0, 600], got %s", describe(to))
		}
		timeout = time.Duration(float64(secs) * float64(time.Second))
	}
	var headers map[string]string
	switch h := t.RawGetString("headers").(type) {
	case *glua.LNilType:
	case *glua.LTable:
		headers = map[string]string{}
		for k, val := h.Next(glua.LNil); k != glua.LNil; k, val = h.Next(k) {
			ks, ok1 := k.(glua.LString)
			vs, ok2 := val.(glua.LString)
			if !ok1 || !ok2 || len(ks)+len(vs) > 8192 {
				argError(L, fn, "headers must map names to strings")
			}
			if len(headers) == maxHTTPHeaders {
				argError(L, fn, "at most %d headers", maxHTTPHeaders)
			}
			headers[string(ks)] = string(vs)
		}
	default:
		argError(L, fn, "headers must be a table, got %s", h.Type())
	}
	return headers, timeout
}

func truncateErr(s string) string {
	if len(s) > maxErrorMessage {
		return s[:maxErrorMessage] + "..."
	}
	return s
}
