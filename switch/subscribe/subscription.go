package subscribe

import (
	"strconv"
	"time"
)

// subscription is one accepted SUBSCRIBE and its dialog. The server's
// lock guards every field but the immutable ones (pkg, id, resource, user).
type subscription struct {
	pkg      Package
	id       string // the Event id parameter, echoed in NOTIFYs
	resource string
	user     string // the authenticated subscriber, for the per-user cap
	d        *dialog

	expires time.Time
	// timer ends the subscription at expiry. One runtime timer each is a
	// heap entry, cheap at PBX scale (thousands), and exact; a refresh
	// resets it.
	timer *time.Timer

	// ending is the reason of the final NOTIFY owed ("timeout",
	// "noresource", ...); "" while active. An ending subscription takes no
	// refresh and is removed once its final NOTIFY is answered.
	ending string
	// dirty: a NOTIFY is owed. Changes that arrive while one is in flight
	// coalesce into the next, which carries the state at send time.
	dirty bool
	// sending: the sender goroutine runs (at most one per subscription,
	// so NOTIFYs go in CSeq order and one at a time).
	sending bool
	// answered: the 200 to the initial SUBSCRIBE is out; no NOTIFY may
	// overtake it.
	answered bool
	gone     bool // removed from the server
	// version is the next document's version for a Versioned package.
	version uint64
}

// body is the subscription's next NOTIFY body.
func (s *subscription) body(version uint64) ([]byte, error) {
	if v, ok := s.pkg.(Versioned); ok {
		return v.VersionedBody(s.resource, version)
	}
	return s.pkg.Body(s.resource)
}

// event is the Event header value of our NOTIFYs.
func (s *subscription) event() string {
	if s.id == "" {
		return s.pkg.Name()
	}
	return s.pkg.Name() + ";id=" + s.id
}

// state is the Subscription-State header value at now (RFC 6665 8.2.3).
func (s *subscription) state(now time.Time) string {
	if s.ending != "" {
		return "terminated;reason=" + s.ending
	}
	left := max(s.expires.Sub(now).Round(time.Second)/time.Second, 0)
	return "active;expires=" + strconv.FormatInt(int64(left), 10)
}
