package auth_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/web"
	"github.com/hookswitch/hookswitch/web/auth"
)

const adminPW = "Tr0ub4dor-Hs"

// clock is an injectable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// fakeLive answers what the status routes ask; the rest of web.Live is
// nil and panics, which the test server turns into a 500.
type fakeLive struct{ web.Live }

func (fakeLive) Bindings() []store.Binding { return nil }
func (fakeLive) ActiveCalls() int          { return 0 }

// env is a real web.API on a real store behind a real HTTP server.
type env struct {
	t     *testing.T
	st    *store.Store
	clk   *clock
	svc   *auth.Service
	srv   *httptest.Server
	mux   http.Handler
	mu    sync.Mutex
	panic []string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	st, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &env{t: t, st: st, clk: &clock{t: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}}
	admin := func(u, p string) bool { return u == "admin" && p == adminPW }
	e.svc = auth.New(auth.Config{Store: st, Admin: admin, Now: e.clk.Now})
	e.mux = (&web.API{B: st, L: fakeLive{}, Auth: admin, Authn: e.svc}).Handler()
	// A handler that panics on the fake Live answers 500, so a route
	// matrix can tell the auth layer's refusals from the handlers' faults.
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				e.mu.Lock()
				e.panic = append(e.panic, fmt.Sprintf("%s %s: %v", r.Method, r.URL.Path, v))
				e.mu.Unlock()
				w.WriteHeader(http.StatusInternalServerError)
			}
		}()
		e.mux.ServeHTTP(w, r)
	}))
	t.Cleanup(e.srv.Close)
	return e
}

// req is one request's credentials and extras.
type req struct {
	basic  [2]string
	bearer string
	cookie *http.Cookie
	csrf   string
	ctype  string
	from   string // a loopback source address other than 127.0.0.1
}

type resp struct {
	code int
	hdr  http.Header
	body []byte
	res  *http.Response
}

func (r resp) json(v any) { json.Unmarshal(r.body, v) }

func (r resp) String() string { return fmt.Sprintf("%d %s", r.code, bytes.TrimSpace(r.body)) }

func (e *env) do(method, path string, body any, o req) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	hr, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if o.ctype != "" {
		hr.Header.Set("Content-Type", o.ctype)
	}
	switch {
	case o.basic[0] != "":
		hr.SetBasicAuth(o.basic[0], o.basic[1])
	case o.bearer != "":
		hr.Header.Set("Authorization", "Bearer "+o.bearer)
	}
	if o.cookie != nil {
		hr.AddCookie(o.cookie)
	}
	if o.csrf != "" {
		hr.Header.Set(auth.CSRFHeader, o.csrf)
	}
	client := http.DefaultClient
	if o.from != "" {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(o.from)}}
		tr := &http.Transport{DialContext: d.DialContext}
		defer tr.CloseIdleConnections()
		client = &http.Client{Transport: tr}
	}
	res, err := client.Do(hr)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	return resp{code: res.StatusCode, hdr: res.Header, body: b, res: res}
}

// login logs in and returns the session cookie and the login body.
func (e *env) login(user, pw string) (*http.Cookie, auth.Identity) {
	e.t.Helper()
	r := e.do("POST", "/api/v1/auth/login", map[string]string{"user": user, "password": pw}, req{})
	if r.code != 200 {
		e.t.Fatalf("login %s: %s", user, r)
	}
	var id auth.Identity
	r.json(&id)
	for _, c := range r.res.Cookies() {
		if c.Name == auth.CookieName {
			return c, id
		}
	}
	e.t.Fatalf("login %s: no %s cookie", user, auth.CookieName)
	return nil, id
}

// addUser stores a user with a password.
func (e *env) addUser(name, role, tenant, ext, pw string) {
	e.t.Helper()
	u, err := e.svc.NewUser(auth.UserInput{Name: name, Role: role, Tenant: tenant, Ext: ext, Password: pw})
	if err == nil {
		err = e.st.CreateUser(u)
	}
	if err != nil {
		e.t.Fatal(err)
	}
}

// token stores an API token of role (made through the control socket).
func (e *env) token(role, tenant string) string {
	e.t.Helper()
	t, secret := auth.NewToken("t-"+role, role, tenant, auth.SocketUser, e.clk.Now(), time.Time{})
	if err := e.st.CreateToken(t); err != nil {
		e.t.Fatal(err)
	}
	return secret
}
