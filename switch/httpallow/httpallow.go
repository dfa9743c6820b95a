// Package httpallow is the HTTP access that untrusted code (Lua scripts,
// Wasm plugins) gets: only to the hosts an admin listed, never through an
// environment proxy, and never redirected to another host.
package httpallow

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client limits shared by the engines.
const (
	MaxRedirects    = 5
	MaxHeaderBytes  = 64 << 10
	maxIdleConns    = 16
	idleConnTimeout = 30 * time.Second
)

// List holds "host" (default port) and "host:port" entries, lower case.
type List map[string]bool

// Parse reads the admin's entries ("api.example.com", "10.0.0.5:8443",
// "[::1]:9000").
func Parse(entries []string) (List, error) {
	l := List{}
	for _, h := range entries {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" || strings.ContainsAny(h, "/@?# ") {
			return nil, fmt.Errorf("http allow entry %q: want host or host:port", h)
		}
		if host, port, err := net.SplitHostPort(h); err == nil && (host == "" || port == "") {
			return nil, fmt.Errorf("http allow entry %q: want host or host:port", h)
		}
		l[h] = true
	}
	return l, nil
}

// Permits checks a URL's host against the list: an entry without a port
// matches only the scheme's default port.
func (l List) Permits(u *url.URL) bool {
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // IPv6, as written in entries
	}
	def := map[string]string{"http": "80", "https": "443"}[u.Scheme]
	if port == "" || port == def {
		if l[host] {
			return true
		}
		port = def
	}
	return l[host+":"+port]
}

// NewClient is the client for l: callers still check Permits before each
// request; redirects stay on the same allowed host.
func NewClient(l List) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                  nil, // never an environment proxy: the list names the real peer
			DialContext:            (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConns:           maxIdleConns,
			IdleConnTimeout:        idleConnTimeout,
			TLSHandshakeTimeout:    5 * time.Second,
			MaxResponseHeaderBytes: MaxHeaderBytes,
		},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= MaxRedirects {
				return fmt.Errorf("more than %d redirects", MaxRedirects)
			}
			if req.URL.Host != via[0].URL.Host || !l.Permits(req.URL) {
				return fmt.Errorf("redirect to another host (%s) refused", req.URL.Host)
			}
			return nil
		},
	}
}
