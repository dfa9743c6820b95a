package auth

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
)

// CookieName is the session cookie; CSRFHeader carries the session's CSRF
// token on unsafe requests.
const (
	CookieName = "hs_session"
	CSRFHeader = "X-CSRF-Token"
)

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// Middleware authenticates each request (bearer token, Basic, or session
// cookie), puts the principal in its context (see From), refuses what the
// policy does not allow the principal's role, checks the CSRF token of
// unsafe requests made with a session, and audits every unsafe request.
// routes is the router the middleware is used on: it finds the route
// pattern the policy is written in.
func (s *Service) Middleware(routes chi.Routes) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			path := r.URL.RawPath
			if path == "" {
				path = r.URL.Path
			}
			pattern := routes.Find(chi.NewRouteContext(), r.Method, path)
			// A browser's cross-site request carries its cookies (and a
			// cached Basic credential): refused whatever it carries.
			if unsafeMethod(r.Method) && r.Header.Get("Sec-Fetch-Site") == "cross-site" {
				writeErr(w, http.StatusForbidden, errors.New("cross-site request refused"))
				return
			}
			if IsPublic(r.Method, pattern) {
				next.ServeHTTP(w, r)
				return
			}
			p, sess, code, err := s.authenticate(r, pattern)
			if err != nil {
				s.refuse(w, r, code, err)
				return
			}
			r = r.WithContext(WithPrincipal(r.Context(), p))
			if unsafeMethod(r.Method) {
				aw := s.auditWriter(w, r, p, pattern)
				defer aw.record()
				w = aw
			}
			if !Allowed(p.Role, r.Method, pattern) {
				writeErr(w, http.StatusForbidden, errors.New("not allowed for role "+p.Role))
				return
			}
			if sess != nil && unsafeMethod(r.Method) {
				got := r.Header.Get(CSRFHeader)
				if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(sess.csrf)) != 1 {
					writeErr(w, http.StatusForbidden, errors.New("missing or wrong "+CSRFHeader+" header"))
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// lockedErr says how long a locked-out client waits.
type lockedErr struct{ wait time.Duration }

func (e lockedErr) Error() string {
	return "too many failed logins: try again in " + e.wait.Round(time.Second).String()
}

// authenticate finds the principal; code is the status for err.
func (s *Service) authenticate(r *http.Request, pattern string) (Principal, *session, int, error) {
	if s.cfg.Open {
		return Principal{User: SocketUser, Role: RoleAdmin, Via: ViaSocket}, nil, 0, nil
	}
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, cred, _ := strings.Cut(h, " ")
		if d := s.lockedFor(r, ""); d > 0 {
			return Principal{}, nil, http.StatusTooManyRequests, lockedErr{d}
		}
		switch strings.ToLower(scheme) {
		case "bearer":
			p, err := s.checkToken(strings.TrimSpace(cred))
			if err != nil {
				s.failed(r, "", ViaToken, pattern)
				return Principal{}, nil, http.StatusUnauthorized, err
			}
			return p, nil, 0, nil
		case "basic":
			user, pw, ok := r.BasicAuth()
			if !ok {
				return Principal{}, nil, http.StatusUnauthorized, errors.New("malformed Basic credentials")
			}
			if d := s.lockedFor(r, user); d > 0 {
				return Principal{}, nil, http.StatusTooManyRequests, lockedErr{d}
			}
			p, _, err := s.checkLogin(r.Context(), user, pw)
			if err != nil {
				s.failed(r, user, ViaBasic, pattern)
				return Principal{}, nil, http.StatusUnauthorized, errBadLogin
			}
			s.lim.reset("user:" + strings.ToLower(user))
			p.Via = ViaBasic
			return p, nil, 0, nil
		}
		return Principal{}, nil, http.StatusUnauthorized, errors.New("unsupported Authorization scheme: want Bearer or Basic")
	}
	if c, err := r.Cookie(CookieName); err == nil {
		if sess := s.sess.get(c.Value, s.cfg.Now()); sess != nil {
			if p, ok := s.recheck(sess.p, sess.fp); ok {
				p.Via = ViaSession
				return p, sess, 0, nil
			}
			s.sess.end(c.Value)
		}
		return Principal{}, nil, http.StatusUnauthorized, errors.New("session expired: log in again")
	}
	return Principal{}, nil, http.StatusUnauthorized, errNeedLogin
}

// refuse answers 401 or 429. Only clients that are not scripts in a
// page (curl, the CLI, a browser's address bar) are offered Basic: a
// fetch() from the admin UI must not pop up the browser's login box.
func (s *Service) refuse(w http.ResponseWriter, r *http.Request, code int, err error) {
	var le lockedErr
	if errors.As(err, &le) {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(le.wait.Seconds()))))
	} else if code == http.StatusUnauthorized {
		if m := r.Header.Get("Sec-Fetch-Mode"); m == "" || m == "navigate" {
			w.Header().Set("WWW-Authenticate", `Basic realm="hookswitch"`)
		}
	}
	writeErr(w, code, err)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, code int, err error) {
	writeJSON(w, code, map[string]string{"error": err.Error()})
}
