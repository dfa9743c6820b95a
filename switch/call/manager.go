// Package call is the B2BUA: every call has a caller leg (we are its UAS)
// and a callee leg (we are its UAC), with media anchored between them. The
// route hook decides where a call goes; this package turns the decision into
// SIP.
package call

import (
	"context"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/media"
	"github.com/hookswitch/hookswitch/switch/registrar"
	"github.com/hookswitch/hookswitch/switch/sip"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/webrtc"
)

// Config holds the B2BUA's timers and limits.
type Config struct {
	RingTimeout time.Duration // per attempt, unless the route decision sets one (default 60 s)
	HookBudget  time.Duration // time budget of the route hook (default 1 s)
	MaxCalls    int           // concurrent calls; 0 = unlimited
	// ToneCountry picks the tone plan (ringback, busy, beep...; default "us").
	ToneCountry string
	// MusicOnHold is the class a held party hears ("default"; "none": silence).
	MusicOnHold  string
	MusicShuffle bool
	// OneTouchRecord is the code either party of a bridge types to start
	// and stop recording it (default "*1"; "none" disables).
	OneTouchRecord string
	Audio          Audio // prompts and recordings; nil: programs cannot play or record
	Rooms          Rooms // conferences; nil: none
	// Trunks says which trunk an address belongs to: a call from it is an
	// inbound trunk call, taken without digest authentication. nil: none.
	Trunks TrunkFinder
	// Queues runs call queues for the queue primitive; nil: none.
	Queues Queues
	// WebRTC is the media gateway for browser legs; nil: a WebRTC offer is
	// refused with 488.
	WebRTC *webrtc.Gateway
	// Browser says whether a binding that did not register over a
	// WebSocket is a browser all the same (it gets a WebRTC offer): the
	// web-call-protocol's UA stack (switch/ua) registers its browsers
	// over loopback UDP. nil: WebSocket bindings only.
	Browser func(store.Binding) bool
	// OnEnd, when set, is told that a call ended (a queue's agent may be
	// free again). It must not block.
	OnEnd func()
}

// TrunkFinder finds the trunk whose peer a source address is.
type TrunkFinder interface {
	TrunkFor(src netip.AddrPort) (name string, ok bool)
}

// Locator finds the registered contacts of an extension.
type Locator interface {
	Lookup(aor string) []store.Binding
}

// Hooks hands out the current scripts generation (see hook.Dispatcher).
type Hooks interface {
	Acquire() *hook.Snapshot
}

// Store is what calls need from storage.
type Store interface {
	registrar.Store
	AddCDRs(cs []*store.CDR) error
	GetTrunk(name string) (store.Trunk, error)
}

// Manager owns every call.
type Manager struct {
	cfg   Config
	stack *sip.Stack
	loc   Locator
	st    Store
	auth  registrar.Authenticator
	hooks Hooks
	media *media.Engine
	audio Audio
	rooms Rooms
	log   *slog.Logger

	mu       sync.Mutex
	dialogs  map[string]*leg // by dialog key, both sides
	calls    map[*Call]struct{}
	inflight map[string]string // merged-request detection: from-tag/call-id/cseq -> branch
	draining atomic.Bool
	trunkUse map[string]int // answered calls per trunk, for max_calls
	useMu    sync.Mutex
	inUse    map[string]int // calls per extension, placed or answered (InUse)
	ringing  sync.Map       // *Call -> *ringState while it rings extensions (pickup.go)
	blf      blfBook        // live extension dialogs, for BLF (blf.go)
	wg       sync.WaitGroup
	cdrs     *cdrLog

	tenantUse tenantCalls // calls per tenant, for its max_calls (tenant.go)
	peaks     peakLog     // the most calls up at once per hour (peaks.go); under mu
}

// New creates the B2BUA; Register attaches it to the SIP stack.
func New(cfg Config, stack *sip.Stack, loc Locator, st Store, auth registrar.Authenticator, h Hooks, m *media.Engine, log *slog.Logger) *Manager {
	if cfg.RingTimeout <= 0 {
		cfg.RingTimeout = 60 * time.Second
	}
	if cfg.HookBudget <= 0 {
		cfg.HookBudget = time.Second
	}
	if log == nil {
		log = slog.Default()
	}
	if cfg.ToneCountry == "" {
		cfg.ToneCountry = "us"
	}
	if cfg.MusicOnHold == "" {
		cfg.MusicOnHold = "default"
	}
	switch cfg.OneTouchRecord {
	case "":
		cfg.OneTouchRecord = "*1"
	case "none":
		cfg.OneTouchRecord = ""
	}
	return &Manager{cfg: cfg, stack: stack, loc: loc, st: st, auth: auth, hooks: h, media: m, log: log,
		audio: cfg.Audio, rooms: cfg.Rooms,
		dialogs: map[string]*leg{}, calls: map[*Call]struct{}{}, inflight: map[string]string{}, inUse: map[string]int{},
		cdrs: newCDRLog(st, log)}
}

// Allowed is our Allow header value.
const Allowed = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, REGISTER, MESSAGE"

// Register attaches the handlers for call methods.
func (m *Manager) Register(s *sip.Stack) {
	s.Handle(gosip.INVITE, m.onInvite)
	s.Handle(gosip.ACK, m.onAck)
	s.Handle(gosip.BYE, m.onBye)
	s.Handle(gosip.CANCEL, m.onCancel)
	s.Handle(gosip.OPTIONS, m.onOptions)
	s.Handle(gosip.INFO, m.onInfo)
	s.Handle(gosip.REFER, m.onRefer)
	s.HandleOther(m.onOther)
}

// Active is the number of calls in progress.
func (m *Manager) Active() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.calls)
}

// InUse says whether extension ext is on a call: one it placed, or one it
// answered (a queue skips such agents).
func (m *Manager) InUse(ext string) bool {
	m.useMu.Lock()
	defer m.useMu.Unlock()
	return m.inUse[ext] > 0
}

// use counts ext on one more call (n 1) or one fewer (n -1).
func (m *Manager) use(ext string, n int) {
	if ext == "" {
		return
	}
	m.useMu.Lock()
	defer m.useMu.Unlock()
	if m.inUse[ext] += n; m.inUse[ext] <= 0 {
		delete(m.inUse, ext)
	}
}

// Drain refuses new calls (503) from now on.
func (m *Manager) Drain() { m.draining.Store(true) }

// Wait blocks until every call ended or ctx ends.
func (m *Manager) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { m.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close flushes the call records; call it once the calls are over.
func (m *Manager) Close() { m.cdrs.close() }

// HangupAll ends every call (fast stop, or a drain that ran out of time).
func (m *Manager) HangupAll(reason string) {
	m.mu.Lock()
	calls := make([]*Call, 0, len(m.calls))
	for c := range m.calls {
		calls = append(calls, c)
	}
	m.mu.Unlock()
	for _, c := range calls {
		c.hangup(reason)
	}
}

func (m *Manager) find(req *gosip.Request) *leg {
	to := req.To()
	cid := req.CallID()
	if to == nil || cid == nil {
		return nil
	}
	t := tagOf(to.Params)
	if t == "" {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.dialogs[key(cid.Value(), t)]
}

func (m *Manager) addDialog(l *leg) {
	m.mu.Lock()
	m.dialogs[l.d.key()] = l
	m.mu.Unlock()
}

func (m *Manager) onAck(req *gosip.Request, tx gosip.ServerTransaction) {
	if l := m.find(req); l != nil {
		l.call.onAck(l, req)
	}
}

func (m *Manager) onBye(req *gosip.Request, tx gosip.ServerTransaction) {
	l := m.find(req)
	if l == nil {
		sip.Respond(tx, req, 481, "", nil)
		return
	}
	l.call.onBye(l, req, tx)
}

// onCancel sees only CANCELs that matched no INVITE transaction (the
// transaction layer answers the others and we learn of them through OnCancel).
func (m *Manager) onCancel(req *gosip.Request, tx gosip.ServerTransaction) {
	sip.Respond(tx, req, 481, "", nil)
}

func (m *Manager) onOptions(req *gosip.Request, tx gosip.ServerTransaction) {
	sip.Respond(tx, req, 200, "", nil,
		gosip.NewHeader("Allow", Allowed),
		gosip.NewHeader("Accept", "application/sdp"),
		gosip.NewHeader("Accept-Language", "en"),
		gosip.NewHeader("Supported", ""))
}

func (m *Manager) onInfo(req *gosip.Request, tx gosip.ServerTransaction) {
	l := m.find(req)
	if l == nil {
		sip.Respond(tx, req, 481, "", nil)
		return
	}
	if l.call.infoRecord(req, tx) || l.call.infoDigit(l, req, tx) || l.call.infoToEvents(l, req, tx) {
		return
	}
	l.call.relay(l, req, tx)
}

// ServeInDialog relays a request inside a call's dialog that changes no
// session (MESSAGE) to the other party, and its final answer back.
func (m *Manager) ServeInDialog(req *gosip.Request, tx gosip.ServerTransaction) {
	l := m.find(req)
	if l == nil {
		sip.Respond(tx, req, 481, "", nil)
		return
	}
	l.call.relay(l, req, tx)
}

func (m *Manager) onOther(req *gosip.Request, tx gosip.ServerTransaction) {
	if req.To() != nil && tagOf(req.To().Params) != "" && m.find(req) != nil {
		sip.Respond(tx, req, 501, "", nil, gosip.NewHeader("Allow", Allowed))
		return
	}
	sip.Respond(tx, req, 405, "", nil, gosip.NewHeader("Allow", Allowed))
}

// OnStrayResponse re-ACKs a retransmitted 2xx of one of our INVITEs (our
// ACK was lost, RFC 3261 13.2.2.4); other strays are dropped.
func (m *Manager) OnStrayResponse(res *gosip.Response) {
	cs := res.CSeq()
	if cs == nil || cs.MethodName != gosip.INVITE || !res.IsSuccess() || res.From() == nil || res.CallID() == nil {
		return
	}
	m.mu.Lock()
	l := m.dialogs[key(res.CallID().Value(), tagOf(res.From().Params))]
	m.mu.Unlock()
	if l != nil {
		l.call.reack(l, cs.SeqNo)
	}
}

// mergedKey identifies a request for loop detection (RFC 3261 8.2.2.2).
func mergedKey(req *gosip.Request) (string, string) {
	var b strings.Builder
	b.WriteString(tagOf(req.From().Params))
	b.WriteByte(0)
	b.WriteString(req.CallID().Value())
	b.WriteByte(0)
	b.WriteString(req.CSeq().Value())
	branch := ""
	if v := req.Via(); v != nil {
		branch, _ = v.Params.Get("branch")
	}
	return b.String(), branch
}

// trunkCalls counts the answered calls on a trunk.
func (m *Manager) trunkCalls(name string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.trunkUse[name]
}

// useTrunk counts a call on a trunk in (+1) or out (-1).
func (m *Manager) useTrunk(name string, delta int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.trunkUse == nil {
		m.trunkUse = map[string]int{}
	}
	m.trunkUse[name] += delta
	if m.trunkUse[name] <= 0 {
		delete(m.trunkUse, name)
	}
}
