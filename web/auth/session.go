package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"sync"
	"time"
)

// Session limits (SPEC A2): idle and absolute lifetimes, and a cap on
// sessions held, so logins cannot grow memory without bound.
const (
	IdleTimeout     = 30 * time.Minute
	AbsoluteTimeout = 12 * time.Hour
	maxSessions     = 10_000
	// touchEvery: lastSeen is refreshed at most this often per session.
	touchEvery = 10 * time.Second
)

// session is a browser login, held in memory only.
type session struct {
	p        Principal
	csrf     string
	created  time.Time
	lastSeen time.Time
	// fp fingerprints the credential the session was opened with (the
	// user's password hash, the extension's SIP password): when it
	// changes, the session ends.
	fp [32]byte
}

// sessions maps the SHA-256 of session IDs to sessions: a lookup never
// compares the secret itself, and a dump of the map holds no usable ID.
type sessions struct {
	mu sync.Mutex
	m  map[[32]byte]*session
}

func randomToken() string {
	var b [32]byte // 256 bits
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// create opens a session and returns its ID.
func (ss *sessions) create(p Principal, fp [32]byte, now time.Time) (id string, s *session) {
	id = randomToken()
	s = &session{p: p, csrf: randomToken(), created: now, lastSeen: now, fp: fp}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.m == nil {
		ss.m = map[[32]byte]*session{}
	}
	if len(ss.m) >= maxSessions {
		ss.sweepLocked(now)
	}
	if len(ss.m) >= maxSessions { // still full: the least recently used goes
		var oldest [32]byte
		var t time.Time
		for k, v := range ss.m {
			if t.IsZero() || v.lastSeen.Before(t) {
				oldest, t = k, v.lastSeen
			}
		}
		delete(ss.m, oldest)
	}
	ss.m[sha256.Sum256([]byte(id))] = s
	return id, s
}

// get returns a live session and marks it used; nil when unknown or
// expired (an expired one is dropped).
func (ss *sessions) get(id string, now time.Time) *session {
	if id == "" || len(id) > 64 {
		return nil
	}
	k := sha256.Sum256([]byte(id))
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.m[k]
	if s == nil {
		return nil
	}
	if expired(s, now) {
		delete(ss.m, k)
		return nil
	}
	if now.Sub(s.lastSeen) >= touchEvery {
		s.lastSeen = now
	}
	cp := *s
	return &cp
}

func expired(s *session, now time.Time) bool {
	return now.Sub(s.lastSeen) >= IdleTimeout || now.Sub(s.created) >= AbsoluteTimeout
}

// end drops a session.
func (ss *sessions) end(id string) {
	k := sha256.Sum256([]byte(id))
	ss.mu.Lock()
	delete(ss.m, k)
	ss.mu.Unlock()
}

// endUser drops every session of user (deleted, disabled, new password).
func (ss *sessions) endUser(user string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for k, s := range ss.m {
		if s.p.User == user {
			delete(ss.m, k)
		}
	}
}

func (ss *sessions) sweepLocked(now time.Time) {
	for k, s := range ss.m {
		if expired(s, now) {
			delete(ss.m, k)
		}
	}
}

func (ss *sessions) count() int {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return len(ss.m)
}
