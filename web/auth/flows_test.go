package auth_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/web/auth"
)

const annPW = "Kestrel-42-blue"

func TestLoginMeCSRFLogout(t *testing.T) {
	e := newEnv(t)
	e.addUser("ann", auth.RoleOperator, "", "", annPW)
	c, id := e.login("ann", annPW)
	if id.User != "ann" || id.Role != "operator" || len(id.CSRF) < 40 {
		t.Fatalf("login body %+v", id)
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || len(c.Value) < 43 {
		t.Fatalf("cookie %+v", c)
	}
	var me auth.Identity
	r := e.do("GET", "/api/v1/auth/me", nil, req{cookie: c})
	r.json(&me)
	if r.code != 200 || me != id {
		t.Fatalf("me: %s, want %+v", r, id)
	}
	// An unsafe request with the session needs the CSRF header.
	body := map[string]string{"name": "ci"}
	if r := e.do("POST", "/api/v1/auth/tokens", body, req{cookie: c}); r.code != 403 || !strings.Contains(string(r.body), auth.CSRFHeader) {
		t.Fatalf("no CSRF header: %s", r)
	}
	if r := e.do("POST", "/api/v1/auth/tokens", body, req{cookie: c, csrf: id.CSRF + "x"}); r.code != 403 {
		t.Fatalf("wrong CSRF header: %s", r)
	}
	if r := e.do("POST", "/api/v1/auth/tokens", body, req{cookie: c, csrf: id.CSRF}); r.code != 201 {
		t.Fatalf("with CSRF header: %s", r)
	}
	// Operators read config but do not change it.
	if r := e.do("GET", "/api/v1/trunks", nil, req{cookie: c}); r.code != 200 {
		t.Fatalf("operator reads trunks: %s", r)
	}
	if r := e.do("PUT", "/api/v1/trunks/t1", `{}`, req{cookie: c, csrf: id.CSRF}); r.code != 403 {
		t.Fatalf("operator changes a trunk: %s", r)
	}
	// A cross-site unsafe request is refused whatever it carries.
	hr, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/extensions", strings.NewReader(`{}`))
	hr.SetBasicAuth("admin", adminPW)
	hr.Header.Set("Sec-Fetch-Site", "cross-site")
	if res, err := http.DefaultClient.Do(hr); err != nil || res.StatusCode != 403 {
		t.Fatalf("cross-site: %v %v", res, err)
	}
	if r := e.do("POST", "/api/v1/auth/logout", nil, req{cookie: c, csrf: id.CSRF}); r.code != 204 {
		t.Fatalf("logout: %s", r)
	}
	if r := e.do("GET", "/api/v1/auth/me", nil, req{cookie: c}); r.code != 401 {
		t.Fatalf("me after logout: %s", r)
	}
	// Login wants JSON: a cross-site form post cannot log anybody in.
	if r := e.do("POST", "/api/v1/auth/login", "user=ann&password="+annPW, req{ctype: "application/x-www-form-urlencoded"}); r.code != 415 {
		t.Fatalf("form login: %s", r)
	}
}

func TestSessionExpiry(t *testing.T) {
	e := newEnv(t)
	c, _ := e.login("admin", adminPW)
	e.clk.Add(auth.IdleTimeout - time.Minute)
	if r := e.do("GET", "/api/v1/auth/me", nil, req{cookie: c}); r.code != 200 {
		t.Fatalf("before the idle timeout: %s", r)
	}
	e.clk.Add(auth.IdleTimeout)
	if r := e.do("GET", "/api/v1/auth/me", nil, req{cookie: c}); r.code != 401 {
		t.Fatalf("after the idle timeout: %s", r)
	}
	// A session in use still ends at the absolute limit.
	c, _ = e.login("admin", adminPW)
	for range int(auth.AbsoluteTimeout/(20*time.Minute)) - 1 {
		e.clk.Add(20 * time.Minute)
		if r := e.do("GET", "/api/v1/auth/me", nil, req{cookie: c}); r.code != 200 {
			t.Fatalf("at %s: %s", e.clk.Now(), r)
		}
	}
	e.clk.Add(20 * time.Minute)
	if r := e.do("GET", "/api/v1/auth/me", nil, req{cookie: c}); r.code != 401 {
		t.Fatalf("after %s: %s", auth.AbsoluteTimeout, r)
	}
}

// A session ends when its user is disabled or its password changes.
func TestSessionFollowsUser(t *testing.T) {
	e := newEnv(t)
	e.addUser("ann", auth.RoleOperator, "", "", annPW)
	c, _ := e.login("ann", annPW)
	if _, err := e.st.UpdateUser("ann", func(u *store.User) error { u.Role = auth.RoleSupervisor; return nil }); err != nil {
		t.Fatal(err)
	}
	var me auth.Identity
	r := e.do("GET", "/api/v1/auth/me", nil, req{cookie: c})
	if r.json(&me); me.Role != auth.RoleSupervisor {
		t.Fatalf("role change not seen: %s", r)
	}
	if _, err := e.st.UpdateUser("ann", func(u *store.User) error { u.Disabled = true; return nil }); err != nil {
		t.Fatal(err)
	}
	if r := e.do("GET", "/api/v1/auth/me", nil, req{cookie: c}); r.code != 401 {
		t.Fatalf("disabled user's session: %s", r)
	}
	if r := e.do("POST", "/api/v1/auth/login", map[string]string{"user": "ann", "password": annPW}, req{}); r.code != 401 {
		t.Fatalf("disabled user's login: %s", r)
	}
}

func TestBearerTokens(t *testing.T) {
	e := newEnv(t)
	e.addUser("ann", auth.RoleOperator, "", "", annPW)
	basic := req{basic: [2]string{"ann", annPW}}
	if r := e.do("POST", "/api/v1/auth/tokens", map[string]string{"name": "ci", "role": "admin"}, basic); r.code != 403 {
		t.Fatalf("an operator made an admin token: %s", r)
	}
	exp := e.clk.Now().Add(time.Hour)
	r := e.do("POST", "/api/v1/auth/tokens", map[string]any{"name": "ci", "expires_at": exp}, basic)
	var tv auth.TokenView
	r.json(&tv)
	if r.code != 201 || tv.Role != auth.RoleOperator || !strings.HasPrefix(tv.Token, "hs_"+tv.ID+"_") {
		t.Fatalf("create: %s", r)
	}
	bearer := req{bearer: tv.Token}
	var me auth.Identity
	r = e.do("GET", "/api/v1/auth/me", nil, bearer)
	if r.json(&me); r.code != 200 || me.User != "ann" || me.Role != "operator" {
		t.Fatalf("me by token: %s", r)
	}
	if r := e.do("GET", "/api/v1/trunks", nil, bearer); r.code != 200 {
		t.Fatalf("operator token reads: %s", r)
	}
	if r := e.do("GET", "/api/v1/users", nil, bearer); r.code != 403 {
		t.Fatalf("operator token lists users: %s", r)
	}
	// Listed without the secret; stored only hashed.
	r = e.do("GET", "/api/v1/auth/tokens", nil, bearer)
	if r.code != 200 || strings.Contains(string(r.body), tv.Token[20:]) || !strings.Contains(string(r.body), tv.ID) {
		t.Fatalf("list: %s", r)
	}
	if st, _ := e.st.GetToken(tv.ID); strings.Contains(string(st.Hash), tv.Token) || len(st.Hash) != 32 {
		t.Fatal("token not stored hashed")
	}
	last := "A"
	if strings.HasSuffix(tv.Token, "A") {
		last = "B"
	}
	if r := e.do("GET", "/api/v1/auth/me", nil, req{bearer: tv.Token[:len(tv.Token)-1] + last}); r.code != 401 {
		t.Fatalf("altered token: %s", r)
	}
	e.clk.Add(time.Hour)
	if r := e.do("GET", "/api/v1/auth/me", nil, bearer); r.code != 401 {
		t.Fatalf("expired token: %s", r)
	}
	// Deleted, and a token dies with its creator's account.
	r = e.do("POST", "/api/v1/auth/tokens", map[string]any{"name": "ci2"}, basic)
	r.json(&tv)
	if r := e.do("GET", "/api/v1/auth/me", nil, req{bearer: tv.Token}); r.code != 200 {
		t.Fatalf("second token: %s", r)
	}
	if _, err := e.st.UpdateUser("ann", func(u *store.User) error { u.Disabled = true; return nil }); err != nil {
		t.Fatal(err)
	}
	if r := e.do("GET", "/api/v1/auth/me", nil, req{bearer: tv.Token}); r.code != 401 {
		t.Fatalf("token of a disabled user: %s", r)
	}
	admin := req{basic: [2]string{"admin", adminPW}}
	if r := e.do("DELETE", "/api/v1/auth/tokens/"+tv.ID, nil, admin); r.code != 204 {
		t.Fatalf("admin deletes the token: %s", r)
	}
	if _, err := e.st.GetToken(tv.ID); err == nil {
		t.Fatal("token still stored")
	}
}

func TestBasicAdmin(t *testing.T) {
	e := newEnv(t)
	if r := e.do("GET", "/api/v1/status", nil, req{basic: [2]string{"admin", adminPW}}); r.code != 200 {
		t.Fatalf("basic admin: %s", r)
	}
	r := e.do("GET", "/api/v1/status", nil, req{basic: [2]string{"admin", "wrong"}})
	if r.code != 401 || r.hdr.Get("WWW-Authenticate") == "" {
		t.Fatalf("wrong basic: %s %v", r, r.hdr)
	}
	if r := e.do("GET", "/api/v1/status", nil, req{}); r.code != 401 || !strings.Contains(string(r.body), `"error"`) {
		t.Fatalf("none: %s", r)
	}
}

func TestLockout(t *testing.T) {
	e := newEnv(t)
	e.addUser("ann", auth.RoleOperator, "", "", annPW)
	login := func(user, pw string) resp {
		return e.do("POST", "/api/v1/auth/login", map[string]string{"user": user, "password": pw}, req{})
	}
	// Unknown user and wrong password answer alike.
	a, b := login("nobody", "x"), login("ann", "x")
	if a.code != 401 || a.String() != b.String() {
		t.Fatalf("unknown user %s, wrong password %s", a, b)
	}
	for i := range auth.MaxFailures - 2 {
		if r := login("ann", "wrong"+strconv.Itoa(i)); r.code != 401 {
			t.Fatalf("failure %d: %s", i, r)
		}
	}
	// That was ann's 4th failure and the IP's 5th: the IP is locked.
	r := login("ann", annPW)
	if r.code != 429 || r.hdr.Get("Retry-After") != strconv.Itoa(int(auth.LockoutTime/time.Second)) {
		t.Fatalf("locked: %s %v", r, r.hdr)
	}
	if r := e.do("GET", "/api/v1/status", nil, req{basic: [2]string{"admin", adminPW}}); r.code != 429 {
		t.Fatalf("basic from a locked IP: %s", r)
	}
	e.clk.Add(auth.LockoutTime)
	if r := login("ann", annPW); r.code != 200 {
		t.Fatalf("after the lockout: %s", r)
	}
	// A user name is locked whatever the IP: five failures for ann from
	// 127.0.0.2 lock ann from 127.0.0.1 too, and not bob there.
	e.addUser("bob", auth.RoleOperator, "", "", annPW+"b")
	for range auth.MaxFailures {
		e.do("POST", "/api/v1/auth/login", map[string]string{"user": "ann", "password": "bad"}, req{from: "127.0.0.2"})
	}
	if r := login("ann", annPW); r.code != 429 {
		t.Fatalf("user lock: %s", r)
	}
	if r := login("bob", annPW+"b"); r.code != 200 {
		t.Fatalf("another user from the same IP: %s", r)
	}
	e.clk.Add(auth.LockoutTime - time.Second)
	if r := login("ann", annPW); r.code != 429 || r.hdr.Get("Retry-After") != "1" {
		t.Fatalf("lock one second before its end: %s %v", r, r.hdr)
	}
	e.clk.Add(time.Second)
	if r := login("ann", annPW); r.code != 200 {
		t.Fatalf("after the user lock: %s", r)
	}
}

func TestAuditLog(t *testing.T) {
	e := newEnv(t)
	admin := req{basic: [2]string{"admin", adminPW}}
	newPW := "Osprey-77-green"
	r := e.do("POST", "/api/v1/users", map[string]any{"name": "bob", "role": "supervisor", "password": newPW}, admin)
	if r.code != 201 || strings.Contains(string(r.body), "salt") || strings.Contains(string(r.body), newPW) {
		t.Fatalf("create user: %s", r)
	}
	if r := e.do("POST", "/api/v1/auth/login", map[string]string{"user": "bob", "password": "Guess-123x"}, req{}); r.code != 401 {
		t.Fatalf("failed login: %s", r)
	}
	weak := e.do("POST", "/api/v1/users", map[string]any{"name": "carl", "role": "operator", "password": "password1"}, admin)
	if weak.code != 400 || !strings.Contains(string(weak.body), "password") {
		t.Fatalf("weak password: %s", weak)
	}
	r = e.do("GET", "/api/v1/audit", nil, admin)
	var list []store.AuditEntry
	r.json(&list)
	if r.code != 200 || len(list) != 3 {
		t.Fatalf("audit: %s", r)
	}
	for _, s := range []string{newPW, "Guess-123x", "password1"} {
		if strings.Contains(string(r.body), s) {
			t.Fatalf("audit shows a password %q: %s", s, r.body)
		}
	}
	weakE, failed, created := list[0], list[1], list[2] // newest first
	if created.User != "admin" || created.Via != "basic" || created.Method != "POST" || created.Route != "/api/v1/users" ||
		created.Status != 201 || !strings.Contains(created.Summary, `"password":"***"`) || !strings.Contains(created.Summary, `"name":"bob"`) || created.IP != "127.0.0.1" {
		t.Fatalf("change entry %+v", created)
	}
	if failed.User != "bob" || failed.Status != 401 || !strings.HasPrefix(failed.Summary, "login failed") || failed.Route != "/api/v1/auth/login" {
		t.Fatalf("failed login entry %+v", failed)
	}
	if weakE.Status != 400 {
		t.Fatalf("refused change entry %+v", weakE)
	}
	r = e.do("GET", "/api/v1/audit?user=bob&limit=5", nil, admin)
	if r.json(&list); len(list) != 1 || list[0].User != "bob" {
		t.Fatalf("filter: %s", r)
	}
	if r := e.do("GET", "/api/v1/audit?since=yesterday", nil, admin); r.code != 400 || !strings.Contains(string(r.body), "since") {
		t.Fatalf("bad since: %s", r)
	}
}

func TestPortalUser(t *testing.T) {
	e := newEnv(t)
	if err := e.st.CreateExtension(store.Extension{Number: "201", Name: "Reception", Password: "Sip-pass-8x"}); err != nil {
		t.Fatal(err)
	}
	c, id := e.login("201", "Sip-pass-8x")
	if id.Role != auth.RoleUser || id.Ext != "201" {
		t.Fatalf("extension login %+v", id)
	}
	r := e.do("GET", "/api/v1/me", nil, req{cookie: c})
	if r.code != 200 || !strings.Contains(string(r.body), `"Reception"`) || strings.Contains(string(r.body), "Sip-pass-8x") {
		t.Fatalf("me: %s", r)
	}
	if r := e.do("GET", "/api/v1/extensions", nil, req{cookie: c}); r.code != 403 {
		t.Fatalf("user lists extensions: %s", r)
	}
	// A new SIP password ends the extension's sessions.
	if err := e.st.DeleteExtension("201"); err != nil {
		t.Fatal(err)
	}
	if r := e.do("GET", "/api/v1/me", nil, req{cookie: c}); r.code != 401 {
		t.Fatalf("session of a deleted extension: %s", r)
	}
}
