package wasm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hookswitch/hookswitch/sdk/abi"
)

// HTTP limits, as for Lua's http module.
const (
	maxHTTPHeaders = 32
	maxHTTPBody    = 1 << 20
)

// httpDo sends a plugin's request within what is left of the call's
// budget.
func (inst *instance) httpDo(r abi.HTTPRequest) (abi.HTTPResponse, error) {
	p := inst.p
	if p.http == nil {
		return abi.HTTPResponse{}, errors.New("no host allowed (the switch's HTTP allow list is empty)")
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return abi.HTTPResponse{}, fmt.Errorf("method %q: want GET or POST", r.Method)
	}
	if len(r.Headers) > maxHTTPHeaders {
		return abi.HTTPResponse{}, fmt.Errorf("at most %d headers", maxHTTPHeaders)
	}
	u, err := url.Parse(r.URL)
	if err != nil {
		return abi.HTTPResponse{}, err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return abi.HTTPResponse{}, fmt.Errorf("scheme %q: want http or https", u.Scheme)
	}
	if !p.allow.Permits(u) {
		return abi.HTTPResponse{}, fmt.Errorf("host %s is not in the allow list", u.Host)
	}
	ctx := inst.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	timeout := r.Timeout
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		if left <= 0 {
			return abi.HTTPResponse{}, ErrBudget
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
	var body io.Reader
	if r.Method == http.MethodPost {
		body = strings.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, u.String(), body)
	if err != nil {
		return abi.HTTPResponse{}, err
	}
	for _, h := range r.Headers {
		req.Header.Set(h[0], h[1])
	}
	resp, err := p.http.Do(req)
	if err != nil {
		return abi.HTTPResponse{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxHTTPBody+1))
	if err != nil {
		return abi.HTTPResponse{}, err
	}
	if len(b) > maxHTTPBody {
		return abi.HTTPResponse{}, fmt.Errorf("response body larger than %d bytes", maxHTTPBody)
	}
	out := abi.HTTPResponse{Status: uint16(resp.StatusCode), Body: b}
	for k, v := range resp.Header {
		out.Headers = append(out.Headers, [2]string{k, strings.Join(v, ", ")})
	}
	return out, nil
}
