package trunk

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/sip"
)

// Defaults of a QualifyConfig.
const (
	DefaultQualifyInterval = 60 * time.Second
	DefaultQualifyTimeout  = 5 * time.Second
	DefaultDownAfter       = 2
	DefaultUpAfter         = 1
)

// QualifyConfig says which peer to watch and how.
type QualifyConfig struct {
	Name      string // the trunk's name
	Peer      string // host[:port] (see Account.Peer)
	Transport string // udp (default), tcp or tls
	Interval  time.Duration
	Timeout   time.Duration // per OPTIONS (default 5 s, less than Interval)
	// DownAfter failures in a row take an up peer down (default 2) and
	// UpAfter answers in a row bring a down peer up (default 1), so one
	// lost datagram does not flap the trunk. The first result decides an
	// unknown peer either way.
	DownAfter, UpAfter int
	FromUser           string // user of our From (default "hookswitch")
}

// Validate checks every field and fills the defaults. Errors are
// *FieldError wrapping ErrInvalid.
func (c *QualifyConfig) Validate() error {
	if err := validName(c.Name); err != nil {
		return err
	}
	bad := func(field, problem string) error { return invalid(c.Name, field, problem) }
	if c.Peer == "" {
		return bad("peer", "required (host or host:port)")
	}
	if _, _, err := splitHostPort(c.Peer); err != nil {
		return bad("peer", err.Error())
	}
	t, err := normTransport(c.Transport)
	if err != nil {
		return bad("transport", err.Error())
	}
	c.Transport = t
	if c.FromUser == "" {
		c.FromUser = "hookswitch"
	}
	if err := validUser(c.FromUser); err != nil {
		return bad("from_user", err.Error())
	}
	switch {
	case c.Interval < 0 || c.Interval > maxWait:
		return bad("interval", fmt.Sprintf("must be 0 to %v (0 = %v)", maxWait, DefaultQualifyInterval))
	case c.Timeout < 0 || c.Timeout > time.Minute:
		return bad("timeout", fmt.Sprintf("must be 0 to 1 min (0 = %v)", DefaultQualifyTimeout))
	case c.DownAfter < 0 || c.DownAfter > 100:
		return bad("down_after", "must be 0 to 100 (0 = 2)")
	case c.UpAfter < 0 || c.UpAfter > 100:
		return bad("up_after", "must be 0 to 100 (0 = 1)")
	}
	if c.Interval == 0 {
		c.Interval = DefaultQualifyInterval
	}
	if c.Timeout == 0 {
		c.Timeout = min(DefaultQualifyTimeout, c.Interval)
	}
	if c.Timeout > c.Interval {
		return bad("timeout", fmt.Sprintf("%v is longer than the interval %v", c.Timeout, c.Interval))
	}
	if c.DownAfter == 0 {
		c.DownAfter = DefaultDownAfter
	}
	if c.UpAfter == 0 {
		c.UpAfter = DefaultUpAfter
	}
	return nil
}

// Health is what qualifying says of a peer.
type Health int

const (
	HealthUnknown Health = iota // not probed yet
	HealthUp
	HealthDown
)

func (h Health) String() string {
	switch h {
	case HealthUp:
		return "up"
	case HealthDown:
		return "down"
	}
	return "unknown"
}

// QualifyStatus is a snapshot of a qualifier.
type QualifyStatus struct {
	Name   string        `json:"name"`
	Health Health        `json:"health"`
	Since  time.Time     `json:"since"` // when Health last changed
	RTT    time.Duration `json:"-"`     // to the first response of the last answered probe
	// RTTMs is RTT in milliseconds, as the API shows it.
	RTTMs float64 `json:"rtt_ms"`
	// Code and Reason are the last probe's answer; any final response
	// (404, 405, 501 included) means the peer is alive.
	Code      int       `json:"code"`
	Reason    string    `json:"reason"`
	LastError string    `json:"last_error"` // why the last probe got no answer; "" when it got one
	LastCheck time.Time `json:"last_check"`
	Failures  int       `json:"failures"`  // probes in a row without an answer
	Successes int       `json:"successes"` // probes in a row with one
}

// Qualifier sends OPTIONS to a trunk's peer every Interval and tracks
// whether it answers.
//
// It uses a client transaction, not the registrar's stateless pings: the
// answer is the point here (the registrar only keeps pinholes open and
// drops answers as strays), the transaction matches it and retransmits
// over UDP, and one request per trunk per interval costs nothing.
type Qualifier struct {
	cfg   QualifyConfig
	stack Stack
	log   *slog.Logger
	peer  peer
	self  gosip.Uri

	life     lifecycle
	mu       sync.Mutex // guards the fields below
	status   QualifyStatus
	onChange func(QualifyStatus)
}

// NewQualifier checks cfg (filling its defaults) and prepares the
// qualifier; Start runs it.
func NewQualifier(st Stack, cfg QualifyConfig, log *slog.Logger) (*Qualifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	self := st.Contact(cfg.Transport, cfg.FromUser)
	if self.Port == 0 {
		return nil, fmt.Errorf("trunk %q: no %s listener to qualify from", cfg.Name, cfg.Transport)
	}
	p, err := newPeer(cfg.Transport, cfg.Peer, "")
	if err != nil {
		return nil, invalid(cfg.Name, "peer", err.Error())
	}
	return &Qualifier{cfg: cfg, stack: st, log: log.With("trunk", cfg.Name), peer: p, self: self,
		status: QualifyStatus{Name: cfg.Name}}, nil
}

// Status returns a snapshot.
func (q *Qualifier) Status() QualifyStatus {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.status
}

// OnChange sets the function told when Health changes (up/down events); it
// replaces the previous one. It runs on the qualifier's goroutine: it
// must not block, nor call Stop.
func (q *Qualifier) OnChange(f func(QualifyStatus)) {
	q.mu.Lock()
	q.onChange = f
	q.mu.Unlock()
}

// Start probes at once, then every Interval, until Stop or the end of ctx.
func (q *Qualifier) Start(ctx context.Context) error {
	if !q.life.start(ctx, func() {}, q.run) {
		return fmt.Errorf("trunk %q: qualifier %w", q.cfg.Name, ErrStarted)
	}
	return nil
}

// Stop ends the loop and waits for it; the last status stays.
func (q *Qualifier) Stop() { q.life.stop(func() {}) }

func (q *Qualifier) run(ctx context.Context) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		q.probe(ctx)
		t.Reset(q.cfg.Interval)
	}
}

// probe sends one OPTIONS and records the outcome.
func (q *Qualifier) probe(ctx context.Context) {
	req := q.peer.newRequest(gosip.OPTIONS, q.self)
	from := &gosip.FromHeader{Address: gosip.Uri{Scheme: "sip", User: q.cfg.FromUser, Host: q.self.Host}, Params: gosip.NewParams()}
	from.Params.Add("tag", sip.NewTag())
	cid := gosip.CallIDHeader(sip.NewCallID())
	req.AppendHeader(from)
	req.AppendHeader(&gosip.ToHeader{Address: gosip.Uri{Scheme: "sip", Host: q.peer.ruri.Host, Port: q.peer.ruri.Port}, Params: gosip.NewParams()})
	req.AppendHeader(&cid)
	req.AppendHeader(&gosip.CSeqHeader{SeqNo: 1, MethodName: gosip.OPTIONS})
	req.SetBody(nil)
	res, rtt, err := send(ctx, q.stack, req, q.cfg.Timeout)
	if ctx.Err() != nil {
		return
	}
	q.record(time.Now(), res, rtt, err)
}

// record applies one probe's outcome with the hysteresis of the config.
func (q *Qualifier) record(now time.Time, res *gosip.Response, rtt time.Duration, err error) {
	q.mu.Lock()
	s := &q.status
	old := s.Health
	s.LastCheck = now
	if err == nil {
		s.Successes++
		s.Failures = 0
		s.RTT, s.Code, s.Reason, s.LastError = rtt, res.StatusCode, res.Reason, ""
		s.RTTMs = float64(rtt.Microseconds()) / 1000
	} else {
		s.Failures++
		s.Successes = 0
		s.Code, s.Reason = failureStatus(err)
		s.LastError = err.Error()
	}
	switch {
	case s.Health == HealthUnknown && err == nil, s.Health == HealthDown && s.Successes >= q.cfg.UpAfter:
		s.Health = HealthUp
	case s.Health == HealthUnknown && err != nil, s.Health == HealthUp && s.Failures >= q.cfg.DownAfter:
		s.Health = HealthDown
	}
	if s.Health != old {
		s.Since = now
	}
	snap, cb := *s, q.onChange
	q.mu.Unlock()
	if snap.Health == old {
		return
	}
	if snap.Health == HealthDown {
		q.log.Warn("trunk peer down", "peer", q.cfg.Peer, "error", snap.LastError)
	} else {
		q.log.Info("trunk peer up", "peer", q.cfg.Peer, "rtt", snap.RTT)
	}
	if cb != nil {
		cb(snap)
	}
}
