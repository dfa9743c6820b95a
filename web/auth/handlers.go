package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/switch/store"
)

var errNoStore = errors.New("no user store on this server")

// Routes registers the auth routes on r: login, logout, me, password,
// tokens, users, audit and the portal's /api/v1/me.
func (s *Service) Routes(r chi.Router) {
	r.Post("/api/v1/auth/login", s.login)
	r.Post("/api/v1/auth/logout", s.logout)
	r.Get("/api/v1/auth/me", s.me)
	r.Put("/api/v1/auth/password", s.changePassword)
	r.Get("/api/v1/auth/tokens", s.listTokens)
	r.Post("/api/v1/auth/tokens", s.createToken)
	r.Delete("/api/v1/auth/tokens/{id}", s.deleteToken)
	r.Get("/api/v1/users", s.listUsers)
	r.Post("/api/v1/users", s.createUser)
	r.Get("/api/v1/users/{name}", s.getUser)
	r.Put("/api/v1/users/{name}", s.putUser)
	r.Delete("/api/v1/users/{name}", s.deleteUser)
	r.Get("/api/v1/audit", s.listAudit)
	r.Get("/api/v1/me", s.myExtension)
}

// Identity is the body of login and me (the shared contract).
type Identity struct {
	User   string `json:"user"`
	Role   Role   `json:"role"`
	Tenant string `json:"tenant"`
	Ext    string `json:"ext"`
	CSRF   string `json:"csrf"`
}

func statusOf(err error) int {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, store.ErrExists):
		return http.StatusConflict
	case errors.Is(err, store.ErrInvalid):
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// decode reads a small JSON body strictly into v.
func decode(w http.ResponseWriter, r *http.Request, v any, example string) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "application/json" {
			return fmt.Errorf("content type %q: want application/json", cleanName(ct))
		}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("invalid JSON: want %s: %w", example, err)
	}
	return nil
}

// login: POST {"user","password"} -> 200 Identity and the session cookie.
// It demands a JSON content type: a cross-site form cannot send one
// without a CORS preflight, which this server never grants.
func (s *Service) login(w http.ResponseWriter, r *http.Request) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeErr(w, http.StatusUnsupportedMediaType, errors.New("content type must be application/json"))
		return
	}
	var in struct {
		User     string `json:"user"`
		Password string `json:"password"`
	}
	if err := decode(w, r, &in, `{"user": "...", "password": "..."}`); err != nil {
		writeErr(w, http.StatusBadRequest, err)
		return
	}
	if d := s.lockedFor(r, in.User); d > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
		writeErr(w, http.StatusTooManyRequests, lockedErr{d})
		return
	}
	p, fp, err := s.checkLogin(r.Context(), in.User, in.Password)
	if err != nil {
		s.failed(r, in.User, ViaSession, "/api/v1/auth/login")
		writeErr(w, http.StatusUnauthorized, errBadLogin)
		return
	}
	s.lim.reset("user:" + strings.ToLower(in.User))
	id := s.startSession(w, r, p, fp)
	s.audit(&store.AuditEntry{User: p.User, Role: p.Role, Via: ViaSession, IP: clientIP(r), Method: r.Method,
		Route: "/api/v1/auth/login", Path: r.URL.Path, Status: http.StatusOK, Summary: "login"})
	writeJSON(w, http.StatusOK, Identity{User: p.User, Role: p.Role, Tenant: p.Tenant, Ext: p.Ext, CSRF: id.csrf})
}

// startSession opens a session and sets its cookie.
func (s *Service) startSession(w http.ResponseWriter, r *http.Request, p Principal, fp [32]byte) *session {
	p.Via = ViaSession
	id, sess := s.sess.create(p, fp, s.cfg.Now())
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: id, Path: "/", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: int(AbsoluteTimeout / time.Second)})
	return sess
}

func (s *Service) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(CookieName); err == nil {
		s.sess.end(c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	w.WriteHeader(http.StatusNoContent)
}

func (s *Service) me(w http.ResponseWriter, r *http.Request) {
	p, _ := From(r.Context())
	id := Identity{User: p.User, Role: p.Role, Tenant: p.Tenant, Ext: p.Ext}
	if c, err := r.Cookie(CookieName); err == nil && p.Via == ViaSession {
		if sess := s.sess.get(c.Value, s.cfg.Now()); sess != nil {
			id.CSRF = sess.csrf
		}
	}
	writeJSON(w, http.StatusOK, id)
}

// changePassword: PUT {"old_password","new_password"} by a user record
// for itself. Every session of the user ends; the caller gets a new one
// when it came with a session.
func (s *Service) changePassword(w http.ResponseWriter, r *http.Request) {
	p, _ := From(r.Context())
	var in struct {
		Old string `json:"old_password"`
		New string `json:"new_password"`
	}
	if err := decode(w, r, &in, `{"old_password": "...", "new_password": "..."}`); err != nil {
		writeErr(w, http.StatusBadRequest, err)
		return
	}
	if s.cfg.Store == nil || p.Via == ViaSocket || p.Via == ViaToken || isDigits(p.User) || p.User == s.cfg.AdminUser {
		writeErr(w, http.StatusForbidden, errors.New("only a user account changes its password here (extensions: their SIP password; admin: hookswitch admin)"))
		return
	}
	if d := s.lockedFor(r, p.User); d > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
		writeErr(w, http.StatusTooManyRequests, lockedErr{d})
		return
	}
	if _, _, err := s.checkLogin(r.Context(), p.User, in.Old); err != nil {
		s.failed(r, p.User, p.Via, "/api/v1/auth/password")
		writeErr(w, http.StatusForbidden, errors.New("old_password is wrong"))
		return
	}
	if err := CheckStrength(p.User, in.New); err != nil {
		writeErr(w, http.StatusBadRequest, errors.New(strings.Replace(err.Error(), "invalid password", "invalid new_password", 1)))
		return
	}
	h, err := HashPassword(in.New)
	if err != nil {
		writeErr(w, http.StatusInternalServerError, err)
		return
	}
	u, err := s.cfg.Store.UpdateUser(p.User, func(u *store.User) error { u.Password = h; return nil })
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	s.sess.endUser(p.User)
	id := Identity{User: u.Name, Role: u.Role, Tenant: u.Tenant, Ext: u.Ext}
	if p.Via == ViaSession {
		id.CSRF = s.startSession(w, r, userPrincipal(u), sha256.Sum256(u.Password.Hash)).csrf
	}
	writeJSON(w, http.StatusOK, id)
}

// Token limits.
const maxTokenLife = 5 * 365 * 24 * time.Hour

// TokenView is a token as the API shows it; Token (the secret) only once,
// in the answer to its creation.
type TokenView struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	Tenant    string    `json:"tenant,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	Token     string    `json:"token,omitempty"`
}

// ViewToken is how the API shows t.
func ViewToken(t store.APIToken) TokenView {
	return TokenView{ID: t.ID, Name: t.Name, Role: t.Role, Tenant: t.Tenant, CreatedBy: t.CreatedBy, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt}
}

// createToken: POST {"name", "role" (default the creator's), "expires_at"
// (RFC 3339, optional)} -> 201 TokenView with the token, shown only now.
func (s *Service) createToken(w http.ResponseWriter, r *http.Request) {
	p, _ := From(r.Context())
	if s.cfg.Store == nil {
		writeErr(w, http.StatusServiceUnavailable, errNoStore)
		return
	}
	var in struct {
		Name      string    `json:"name"`
		Role      Role      `json:"role"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	if err := decode(w, r, &in, `{"name": "ci", "role": "operator", "expires_at": "2027-01-01T00:00:00Z"}`); err != nil {
		writeErr(w, http.StatusBadRequest, err)
		return
	}
	if in.Role == "" {
		in.Role = p.Role
	}
	now := s.cfg.Now()
	switch {
	case p.Role == RoleUser:
		writeErr(w, http.StatusForbidden, errors.New("extension users have no API tokens"))
		return
	case !store.ValidRole(in.Role) || in.Role == RoleUser:
		writeErr(w, http.StatusBadRequest, fmt.Errorf("invalid role: %q: want admin, tenant_admin, operator or supervisor", cleanName(in.Role)))
		return
	case !covers(p.Role, in.Role):
		writeErr(w, http.StatusForbidden, fmt.Errorf("a %s cannot make a %s token: a token's role is at most its creator's", p.Role, in.Role))
		return
	case !in.ExpiresAt.IsZero() && !in.ExpiresAt.After(now):
		writeErr(w, http.StatusBadRequest, errors.New("invalid expires_at: must be in the future"))
		return
	case in.ExpiresAt.After(now.Add(maxTokenLife)):
		writeErr(w, http.StatusBadRequest, errors.New("invalid expires_at: at most 5 years ahead"))
		return
	}
	tenant := p.Tenant
	if in.Role == RoleAdmin {
		tenant = ""
	}
	t, secret := NewToken(in.Name, in.Role, tenant, p.User, now, in.ExpiresAt)
	if err := s.cfg.Store.CreateToken(t); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	v := ViewToken(t)
	v.Token = secret
	writeJSON(w, http.StatusCreated, v)
}

// listTokens: an admin sees every token, anybody else its own.
func (s *Service) listTokens(w http.ResponseWriter, r *http.Request) {
	p, _ := From(r.Context())
	if s.cfg.Store == nil {
		writeErr(w, http.StatusServiceUnavailable, errNoStore)
		return
	}
	list, err := s.cfg.Store.ListTokens()
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	out := []TokenView{}
	for _, t := range list {
		if p.Role == RoleAdmin || t.CreatedBy == p.User {
			out = append(out, ViewToken(t))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// deleteToken: one's own, or any for an admin; 404 for others' (their
// existence is not told).
func (s *Service) deleteToken(w http.ResponseWriter, r *http.Request) {
	p, _ := From(r.Context())
	if s.cfg.Store == nil {
		writeErr(w, http.StatusServiceUnavailable, errNoStore)
		return
	}
	id := chi.URLParam(r, "id")
	t, err := s.cfg.Store.GetToken(id)
	if err == nil && p.Role != RoleAdmin && t.CreatedBy != p.User {
		err = fmt.Errorf("token %s: %w", id, store.ErrNotFound)
	}
	if err == nil {
		err = s.cfg.Store.DeleteToken(id)
	}
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// ExtensionView is an extension's settings as its user sees them.
type ExtensionView struct {
	Number      string         `json:"number"`
	Name        string         `json:"name,omitempty"`
	Email       string         `json:"email,omitempty"`
	MaxContacts int            `json:"max_contacts"`
	Features    store.Features `json:"features"`
}

// myExtension: GET /api/v1/me, the principal's extension's settings.
func (s *Service) myExtension(w http.ResponseWriter, r *http.Request) {
	p, _ := From(r.Context())
	if p.Ext == "" {
		writeErr(w, http.StatusNotFound, fmt.Errorf("%s has no extension", p.User))
		return
	}
	if s.cfg.Store == nil {
		writeErr(w, http.StatusServiceUnavailable, errNoStore)
		return
	}
	e, err := s.cfg.Store.GetExtension(p.Ext)
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, ExtensionView{Number: e.Number, Name: e.Name, Email: e.Email, MaxContacts: e.MaxContacts, Features: e.Features})
}

// NewToken makes an API token record and its secret (shown once; only
// its SHA-256 is stored). expires zero: never.
func NewToken(name string, role Role, tenant, createdBy string, now, expires time.Time) (store.APIToken, string) {
	var idb [8]byte
	rand.Read(idb[:])
	t := store.APIToken{ID: hex.EncodeToString(idb[:]), Name: name, Role: role, Tenant: tenant,
		CreatedBy: createdBy, CreatedAt: now.UTC()}
	if !expires.IsZero() {
		t.ExpiresAt = expires.UTC()
	}
	secret := "hs_" + t.ID + "_" + randomToken()
	sum := sha256.Sum256([]byte(secret))
	t.Hash = sum[:]
	return t, secret
}
