package wasm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hookswitch/hookswitch/sdk/abi"
)

// HTTP limits, as for Lua's http module.
const (
	maxRedirects    = 5
	maxHTTPHeaders  = 32
	maxHeaderBytes  = 64 << 10
	maxHTTPBody     = 1 << 20
	idleConnTimeout = 30 * time.Second
)

// allowList holds "host" (default port) and "host:port" entries.
type allowList map[string]bool

func parseAllow(list []string) (allowList, error) {
	allow := allowList{}
	for _, h := range list {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" || strings.ContainsAny(h, "/@?# ") {
			return nil, fmt.Errorf("wasm: http allow entry %q: want host or host:port", h)
		}
		if host, port, err := net.SplitHostPort(h); err == nil && (host == "" || port == "") {
			return nil, fmt.Errorf("wasm: http allow entry %q: want host or host:port", h)
		}
		allow[h] = true
	}
	return allow, nil
}

// permits checks a URL's host: an entry without a port matches only the
// scheme's default port.
func (a allowList) permits(u *url.URL) bool {
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	def := map[string]string{"http": "80", "https": "443"}[u.Scheme]
	if port == "" || port == def {
		if a[host] {
			return true
		}
		port = def
	}
	return a[host+":"+port]
}

func newHTTPClient(allow allowList) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                  nil, // the allow list names the real peer
			DialContext:            (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConns:           16,
			IdleConnTimeout:        idleConnTimeout,
			TLSHandshakeTimeout:    5 * time.Second,
			MaxResponseHeaderBytes: maxHeaderBytes,
		},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= maxRedirects {
				return fmt.Errorf("more than %d redirects", maxRedirects)
			}
			if req.URL.Host != via[0].URL.Host || !allow.permits(req.URL) {
				return fmt.Errorf("redirect to another host (%s) refused", req.URL.Host)
			}
			return nil
		},
	}
}

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
	if !p.allow.permits(u) {
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
