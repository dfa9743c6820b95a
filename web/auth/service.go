package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
)

// Store is what auth keeps in the store; *store.Store implements it.
type Store interface {
	GetUser(name string) (store.User, error)
	ListUsers() ([]store.User, error)
	CreateUser(u store.User) error
	UpdateUser(name string, fn func(*store.User) error) (store.User, error)
	DeleteUser(name string) error
	CreateToken(t store.APIToken) error
	GetToken(id string) (store.APIToken, error)
	ListTokens() ([]store.APIToken, error)
	DeleteToken(id string) error
	AddAudit(e *store.AuditEntry, keep int) error
	ListAudit(q store.AuditQuery) ([]store.AuditEntry, error)
	GetExtension(number string) (store.Extension, error)
}

// SocketUser names the control socket's principal (and the creator of
// tokens made through it) in the audit log.
const SocketUser = "socket"

// Config configures a Service.
type Config struct {
	// Store holds users, tokens and the audit log; nil: only the admin
	// credential logs in, and the users, tokens and audit routes answer 503.
	Store Store
	// Admin checks the admin credential (cmd/hookswitch/admin.go); nil: none.
	Admin func(user, password string) bool
	// AdminUser is the admin credential's user name; "" means "admin".
	AdminUser string
	// Open turns authentication off: every request is the admin (the
	// control socket, where file permissions are the check). Requests are
	// still audited.
	Open bool
	// Now is the clock; nil means time.Now (tests inject one).
	Now func() time.Time
	// AuditKeep bounds the audit log; 0 means store.DefaultAuditKeep.
	AuditKeep int
	Logger    *slog.Logger
}

// Service authenticates, authorizes and audits API requests.
type Service struct {
	cfg  Config
	sess sessions
	lim  limiter
	// hashing bounds concurrent password checks: each costs ~60 ms of CPU.
	hashing chan struct{}
}

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.AdminUser == "" {
		cfg.AdminUser = "admin"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Service{cfg: cfg, hashing: make(chan struct{}, max(2, runtime.NumCPU()))}
}

// ReservedName reports whether name cannot be a user's: the admin
// credential's and the control socket's names.
func (s *Service) ReservedName(name string) bool {
	return strings.EqualFold(name, s.cfg.AdminUser) || strings.EqualFold(name, SocketUser)
}

var (
	errBadLogin  = errors.New("invalid user or password")
	errNeedLogin = errors.New("authentication required")
)

// Limits on what a client sends as credentials.
const (
	maxUserLen     = 64
	maxPasswordLen = 1024
)

// checkLogin verifies a user name and password: the admin credential, an
// extension number with its SIP password (role user), or a user record.
// Every failure costs the same and says the same. fp fingerprints the
// credential, so a session ends when it changes.
func (s *Service) checkLogin(ctx context.Context, user, pw string) (p Principal, fp [32]byte, err error) {
	if user == "" || len(user) > maxUserLen || len(pw) > maxPasswordLen {
		return p, fp, errBadLogin
	}
	select {
	case s.hashing <- struct{}{}:
		defer func() { <-s.hashing }()
	case <-ctx.Done():
		return p, fp, ctx.Err()
	}
	switch {
	case user == s.cfg.AdminUser:
		if s.cfg.Admin == nil || !s.cfg.Admin(user, pw) {
			if s.cfg.Admin == nil {
				burn(pw)
			}
			return p, fp, errBadLogin
		}
		return Principal{User: user, Role: RoleAdmin}, sha256.Sum256([]byte("admin credential")), nil
	case s.cfg.Store == nil:
		burn(pw)
		return p, fp, errBadLogin
	case isDigits(user):
		burn(pw) // a SIP password compares fast: cost what a hash costs
		e, err := s.cfg.Store.GetExtension(user)
		if err != nil || e.Password == "" || subtle.ConstantTimeCompare([]byte(pw), []byte(e.Password)) != 1 {
			return p, fp, errBadLogin
		}
		return Principal{User: user, Role: RoleUser, Ext: user}, sha256.Sum256([]byte(e.Password)), nil
	}
	u, err := s.cfg.Store.GetUser(user)
	if err != nil {
		burn(pw)
		return p, fp, errBadLogin
	}
	if !CheckPassword(u.Password, pw) || u.Disabled {
		return p, fp, errBadLogin
	}
	return userPrincipal(u), sha256.Sum256(u.Password.Hash), nil
}

func userPrincipal(u store.User) Principal {
	return Principal{User: u.Name, Role: u.Role, Tenant: u.Tenant, Ext: u.Ext}
}

// recheck confirms a session's principal still stands, with its current
// role: a user disabled, deleted, demoted or given a new password, or an
// extension deleted or given a new SIP password, ends its sessions at
// their next request.
func (s *Service) recheck(p Principal, fp [32]byte) (Principal, bool) {
	switch {
	case p.User == s.cfg.AdminUser && p.Role == RoleAdmin:
		return p, true
	case s.cfg.Store == nil:
		return p, false
	case isDigits(p.User):
		e, err := s.cfg.Store.GetExtension(p.User)
		return p, err == nil && sha256.Sum256([]byte(e.Password)) == fp
	}
	u, err := s.cfg.Store.GetUser(p.User)
	if err != nil || u.Disabled || sha256.Sum256(u.Password.Hash) != fp {
		return p, false
	}
	return userPrincipal(u), true
}

// checkToken verifies a bearer token: "hs_" + 16 hex ID + "_" + secret.
func (s *Service) checkToken(tok string) (Principal, error) {
	bad := errors.New("invalid or expired token")
	rest, ok := strings.CutPrefix(tok, "hs_")
	if !ok || len(rest) < 18 || len(tok) > 128 || rest[16] != '_' || s.cfg.Store == nil {
		return Principal{}, bad
	}
	t, err := s.cfg.Store.GetToken(rest[:16])
	if err != nil {
		return Principal{}, bad
	}
	sum := sha256.Sum256([]byte(tok))
	if subtle.ConstantTimeCompare(sum[:], t.Hash) != 1 {
		return Principal{}, bad
	}
	if !t.ExpiresAt.IsZero() && !s.cfg.Now().Before(t.ExpiresAt) {
		return Principal{}, bad
	}
	// A token is worth no more than its creator is now.
	if t.CreatedBy != s.cfg.AdminUser && t.CreatedBy != SocketUser {
		u, err := s.cfg.Store.GetUser(t.CreatedBy)
		if err != nil || u.Disabled || !covers(u.Role, t.Role) || u.Tenant != t.Tenant && u.Role != RoleAdmin {
			return Principal{}, bad
		}
	}
	return Principal{User: t.CreatedBy, Role: t.Role, Tenant: t.Tenant, Via: ViaToken, TokenID: t.ID}, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// clientIP is the peer's address. No proxy header is trusted: put the
// admin API behind a proxy only once a trusted-proxy setting exists.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// lockedFor reports how long a login from r for user must wait.
func (s *Service) lockedFor(r *http.Request, user string) time.Duration {
	now := s.cfg.Now()
	d := s.lim.locked(ipKey(clientIP(r)), now)
	if user != "" {
		d = max(d, s.lim.locked("user:"+strings.ToLower(user), now))
	}
	return d
}

// failed counts a failed login and audits it.
func (s *Service) failed(r *http.Request, user, via, pattern string) {
	now := s.cfg.Now()
	locked := s.lim.fail(ipKey(clientIP(r)), now)
	if user != "" && len(user) <= maxUserLen {
		locked = s.lim.fail("user:"+strings.ToLower(user), now) || locked
	}
	sum := "login failed"
	if via != "" {
		sum += " (" + via + ")"
	}
	if locked {
		sum += fmt.Sprintf("; locked out for %s", LockoutTime)
	}
	s.audit(&store.AuditEntry{User: cleanName(user), Via: via, IP: clientIP(r), Method: r.Method,
		Route: pattern, Path: r.URL.Path, Status: http.StatusUnauthorized, Summary: sum})
}

// cleanName makes a name a client sent safe to log: printable, short.
func cleanName(s string) string {
	var b strings.Builder
	for _, c := range s {
		if b.Len() >= maxUserLen {
			b.WriteString("...")
			break
		}
		if c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0 {
			c = '?'
		}
		b.WriteRune(c)
	}
	return b.String()
}
