// Package server assembles one hookswitch node from the core packages: the
// store, the SIP stack, the registrar, the route hook engine, the media
// anchor and the B2BUA. cmd/hookswitch runs it; tests boot it in-process.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/actionurl"
	"github.com/hookswitch/hookswitch/switch/audio"
	"github.com/hookswitch/hookswitch/switch/call"
	"github.com/hookswitch/hookswitch/switch/conference"
	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/lua"
	"github.com/hookswitch/hookswitch/switch/media"
	"github.com/hookswitch/hookswitch/switch/message"
	"github.com/hookswitch/hookswitch/switch/queue"
	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/registrar"
	"github.com/hookswitch/hookswitch/switch/sip"
	"github.com/hookswitch/hookswitch/switch/sip/digest"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/subscribe"
	"github.com/hookswitch/hookswitch/switch/timecond"
	"github.com/hookswitch/hookswitch/switch/voicemail"
	"github.com/hookswitch/hookswitch/switch/wasm"
	"github.com/hookswitch/hookswitch/switch/webrtc"
)

// Config is everything a node needs; zero values take the defaults.
type Config struct {
	SIPUDP, SIPTCP, SIPTLS string // listen addresses; "" disables
	// SIPWS and SIPWSS take SIP over WebSocket (RFC 7118) on their own
	// ports (WSS with TLSConfig); "" disables.
	SIPWS, SIPWSS string
	// SIPTrace keeps the SIP messages of recent calls (sip.Tracer); nil: off.
	SIPTrace *sip.Tracer
	// WebRTC is the UDP address of the browser media gateway's shared ICE
	// port (e.g. ":10443"); "" = no WebRTC media (browser offers get 488).
	WebRTC string
	// WebRTCPublicIPs replace the gateway's bound address in its ICE
	// candidates (a 1:1 NAT in front); empty: Advertise when it is an IP.
	WebRTCPublicIPs []string
	// STUNServers ("stun:host[:port]") are handed to pages for their
	// RTCPeerConnections (WebRTC.ICEServers); the gateway uses none.
	STUNServers []string
	// SIPWSSHandoff carries the connections the HTTPS server takes on /ws
	// (see web.SIPWebSocket); nil: none.
	SIPWSSHandoff *sip.WSHandoff
	TLSConfig     *tls.Config
	Advertise     string // address in Via/Contact/SDP; "" = the bound address
	Realm         string // digest realm (default "hookswitch")
	// DigestAlgorithms are the challenges offered, in order (default MD5
	// only: common phones, baresip among them, give up on a SHA-256
	// challenge even when an MD5 one follows).
	DigestAlgorithms []digest.Algorithm
	RTPIP            netip.Addr
	RTPMin, RTPMax   int           // RTP port range; 0-0 lets the OS pick (tests)
	RTPTimeout       time.Duration // talking (default 30 s)
	RTPHoldTimeout   time.Duration // on hold (default 600 s)
	ScriptsDir       string        // "" = the embedded default scripts
	// DataDir holds recordings, voicemail, and prompt and music overrides
	// (prompts/, moh/); "" = none of them (programs play shipped prompts
	// but cannot record).
	DataDir string
	// PluginsDir holds the Wasm plugins hooks.json names ("" = the
	// plugins shipped in the binary); PluginCacheDir keeps their compiled
	// code across restarts ("" = in memory).
	PluginsDir, PluginCacheDir string
	// ScriptHTTPAllow lists the hosts (host or host:port) scripts may reach
	// with the http module; empty = none.
	ScriptHTTPAllow []string
	// Engines are hook engines tried before the built-in ones (Go plugins,
	// tests); each hook goes to the first engine that implements it.
	Engines   []hook.Factory
	Registrar registrar.Config
	Call      call.Config
	Message   message.Config // SIP MESSAGE relay limits
	Logger    *slog.Logger
	// Now is the clock of time conditions in routing (nil: time.Now).
	Now func() time.Time
}

// Server is a running node.
type Server struct {
	Store     *store.Store
	Stack     *sip.Stack
	Registrar *registrar.Registrar
	Calls     *call.Manager
	Media     *media.Engine
	Hooks     *hook.Dispatcher
	Subs      *subscribe.Server
	Messages  *message.Server
	Trunks    *TrunkManager
	Rooms     *conference.Rooms
	Queues    *queue.Manager
	WebRTC    *webrtc.Gateway // nil without Config.WebRTC
	// queueEvents carries queue changes to the event hook.
	queueEvents eventQueue
	Audio       *audio.Library
	// Recordings and Voicemail are nil without a DataDir.
	Recordings *recording.Store
	Voicemail  *voicemail.Store
	log        *slog.Logger
	cfg        Config
	pluginMu   sync.Mutex // one upload at a time
	cancel     context.CancelFunc
	done       chan struct{}
}

// New builds a node over an open store and binds its listeners.
func New(cfg Config, st *store.Store) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Realm == "" {
		cfg.Realm = "hookswitch"
	}
	if !cfg.RTPIP.IsValid() {
		cfg.RTPIP = netip.IPv6Unspecified()
	}
	log := cfg.Logger
	s := &Server{Store: st, log: log, cfg: cfg, done: make(chan struct{})}
	var err error
	if err := s.openAudio(); err != nil {
		return nil, err
	}
	var vm lua.Voicemail
	if s.Voicemail != nil {
		vm = s.Voicemail
	}
	var calls *call.Manager
	if err := s.openQueues(func(ext string) bool { return calls.InUse(ext) }); err != nil {
		return nil, err
	}
	s.Hooks, err = hook.NewDispatcher(cfg.ScriptsDir, append(cfg.Engines[:len(cfg.Engines):len(cfg.Engines)], Factories(log, Deps{Store: st, HTTPAllow: cfg.ScriptHTTPAllow,
		PluginsDir: cfg.PluginsDir, PluginCache: cfg.PluginCacheDir, Voicemail: vm, Queues: s.Queues, Now: cfg.Now})...), log)
	if err != nil {
		return nil, fmt.Errorf("scripts: %w", err)
	}
	s.Media, err = media.NewEngine(media.Config{BindIP: cfg.RTPIP, PortMin: cfg.RTPMin, PortMax: cfg.RTPMax,
		TalkTimeout: cfg.RTPTimeout, HoldTimeout: cfg.RTPHoldTimeout})
	if err != nil {
		s.Hooks.Close()
		return nil, fmt.Errorf("media: %w", err)
	}
	s.Registrar, err = registrar.New(cfg.Registrar, st, log)
	if err != nil {
		s.closeParts()
		return nil, fmt.Errorf("registrar: %w", err)
	}
	s.Stack, err = sip.New(sip.Config{UDP: cfg.SIPUDP, TCP: cfg.SIPTCP, TLS: cfg.SIPTLS, TLSConfig: cfg.TLSConfig,
		WS: cfg.SIPWS, WSS: cfg.SIPWSS, WSSHandoff: cfg.SIPWSSHandoff,
		Advertise: cfg.Advertise, Logger: log, Trace: cfg.SIPTrace,
		OnStrayResponse: func(r *gosip.Response) { calls.OnStrayResponse(r) }})
	if err != nil {
		s.closeParts()
		return nil, err
	}
	if len(cfg.DigestAlgorithms) == 0 {
		cfg.DigestAlgorithms = []digest.Algorithm{digest.MD5}
	}
	auth := digest.New(cfg.Realm, digest.Options{Algorithms: cfg.DigestAlgorithms})
	s.Rooms = conference.New(s.Media, s.Audio, cfg.Call.MusicOnHold, log)
	cfg.Call.Audio, cfg.Call.Rooms = s.Audio, s.Rooms
	cfg.Call.Trunks = trunkFinder{s}
	cfg.Call.Queues, cfg.Call.OnEnd = s.Queues, s.Queues.Wake
	if cfg.WebRTC != "" {
		public := cfg.WebRTCPublicIPs
		if a, err := netip.ParseAddr(cfg.Advertise); err == nil && len(public) == 0 {
			public = []string{a.String()}
		}
		if s.WebRTC, err = webrtc.New(webrtc.Config{ICEAddr: cfg.WebRTC, PublicIPs: public, STUNServers: cfg.STUNServers, Logger: log}); err != nil {
			s.closeParts()
			return nil, fmt.Errorf("webrtc: %w", err)
		}
		cfg.Call.WebRTC = s.WebRTC
	}
	calls = call.New(cfg.Call, s.Stack, s.Registrar, st, auth, s.Hooks, s.Media, log)
	s.Calls = calls
	calls.Register(s.Stack)
	reg := &registrar.Handler{R: s.Registrar, Auth: auth, Hooks: s.Hooks, OnOnline: func(string) { s.Queues.Wake() }}
	s.Stack.Handle(gosip.REGISTER, reg.ServeSIP)
	var boxes subscribe.Mailboxes = noMailboxes{}
	if s.Voicemail != nil {
		boxes = mailboxes{s.Voicemail}
	}
	s.Subs, err = subscribe.New(subscribe.Config{}, s.Stack, st, auth, s.Hooks, log, subscribe.NewMessageSummary(boxes, s.Stack.Host),
		subscribe.NewDialogInfo(extDialogs{calls, st}, s.Stack.Host))
	if err != nil {
		s.closeParts()
		return nil, fmt.Errorf("subscriptions: %w", err)
	}
	s.Subs.Register()
	if s.Messages, err = message.New(cfg.Message, s.Stack, s.Registrar, st, auth, s.Hooks, log); err != nil {
		s.closeParts()
		return nil, fmt.Errorf("messages: %w", err)
	}
	s.Messages.InDialog = calls.ServeInDialog
	s.Messages.Register()
	if s.Voicemail != nil {
		s.Voicemail.OnChange(func(box string) { s.Subs.Notify("message-summary", box) })
	}
	calls.OnExtChange(func(ext string) { s.Subs.Notify("dialog", ext) })
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.Trunks = NewTrunkManager(ctx, s.Stack, log)
	s.Trunks.bindings = s.Registrar.Lookup
	s.Trunks.hooks = s.Hooks
	if err := s.Stack.Listen(); err != nil {
		cancel()
		s.closeParts()
		return nil, err
	}
	if err := s.SyncTrunks(); err != nil {
		log.Warn("trunks not started", "error", err)
	}
	for _, dir := range []string{cfg.ScriptsDir, cfg.PluginsDir} {
		if dir == "" {
			continue
		}
		if err := s.watch(ctx, dir); err != nil {
			log.Warn("directory not watched; reload by API or CLI", "dir", dir, "error", err)
		}
	}
	go func() {
		defer close(s.done)
		s.Registrar.Run(ctx, pinger{s.Stack})
	}()
	log.Info("hookswitch ready", "advertise", s.Stack.Host(), "udp", s.Stack.Addr("udp"), "tcp", s.Stack.Addr("tcp"), "tls", s.Stack.Addr("tls"),
		"ws", s.Stack.Addr("ws"), "wss", s.Stack.Addr("wss"),
		"rtp", fmt.Sprintf("%d-%d", cfg.RTPMin, cfg.RTPMax), "bindings", s.Registrar.Count())
	return s, nil
}

func (s *Server) closeParts() {
	if s.Media != nil {
		s.Media.Close()
	}
	if s.Hooks != nil {
		s.Hooks.Close()
	}
}

// openAudio opens the recordings and voicemail under the data dir and the
// sound library over them.
func (s *Server) openAudio() error {
	cfg := s.cfg
	o := audio.Options{}
	if cfg.DataDir != "" {
		rec, err := recording.Open(s.Store, filepath.Join(cfg.DataDir, "recordings"))
		if err != nil {
			return fmt.Errorf("recordings: %w", err)
		}
		vm, err := voicemail.Open(s.Store, rec, filepath.Join(cfg.DataDir, "voicemail"))
		if err != nil {
			return fmt.Errorf("voicemail: %w", err)
		}
		s.Recordings, s.Voicemail = rec, vm
		o = audio.Options{PromptsDir: filepath.Join(cfg.DataDir, "prompts"), MusicDir: filepath.Join(cfg.DataDir, "moh"),
			Recordings: rec, Voicemail: vm}
	}
	s.Audio = audio.New(o)
	return nil
}

// mailboxes gives MWI the voicemail counts; a box that does not exist is
// a resource that does not exist.
type mailboxes struct{ vm *voicemail.Store }

func (m mailboxes) Counts(box string) (int, int, error) {
	n, saved, err := m.vm.Counts(box)
	if errors.Is(err, voicemail.ErrNoBox) {
		err = fmt.Errorf("%w: %w", subscribe.ErrNoResource, err)
	}
	return n, saved, err
}

// noMailboxes answers MWI subscriptions when there is no voicemail.
type noMailboxes struct{}

func (noMailboxes) Counts(string) (int, int, error) { return 0, 0, subscribe.ErrNoResource }

// extDialogs gives BLF the live dialogs of an extension of the store.
type extDialogs struct {
	calls *call.Manager
	st    *store.Store
}

func (x extDialogs) Dialogs(ext string) ([]subscribe.DialogState, error) {
	if _, err := x.st.GetExtension(ext); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			err = fmt.Errorf("%w: %w", subscribe.ErrNoResource, err)
		}
		return nil, err
	}
	ds := x.calls.ExtDialogs(ext)
	out := make([]subscribe.DialogState, len(ds))
	for i, d := range ds {
		out[i] = subscribe.DialogState(d) // the same fields, by design
	}
	return out, nil
}

// Deps are what the engines' modules read and change.
type Deps struct {
	// Store backs the scripts' and plugins' config and kv (nil: none, for
	// offline checks).
	Store     *store.Store
	HTTPAllow []string // the hosts scripts and plugins may call
	// PluginsDir holds the Wasm plugins ("" = the shipped ones),
	// PluginCache their compiled code ("" = in memory).
	PluginsDir, PluginCache string
	Voicemail               lua.Voicemail
	Queues                  lua.Queues
	// Now is the clock time conditions and routing read (nil: time.Now);
	// tests set the hour.
	Now func() time.Time
}

// Factories are the hook engines a node runs, in order of preference.
func Factories(log *slog.Logger, d Deps) []hook.Factory {
	o := lua.Options{Logger: log, HTTPAllow: d.HTTPAllow, Voicemail: d.Voicemail, Now: d.Now}
	if d.Queues != nil {
		o.Queues = d.Queues
	}
	w := wasm.Options{Dir: d.PluginsDir, CacheDir: d.PluginCache, Logger: log, HTTPAllow: d.HTTPAllow}
	if st := d.Store; st != nil {
		now := d.Now
		if now == nil {
			now = time.Now
		}
		o.Directory = directory{st}
		o.Features = directory{st}
		o.Blacklist = st
		o.TimeConditions = timeConditions{st}
		o.Routing = routing{st: st, cycle: &sync.Map{}, now: now}
		o.Groups = newGroups(st)
		o.Apps = st // IVRs, rooms and settings of the store (config.ivr ...)
		o.KV = st.KV()
		w.Directory = wasmDirectory{directory{st}}
		w.KV = st.KV()
	}
	return []hook.Factory{lua.Factory{Options: o}, wasm.Factory{Options: w}, actionurl.Factory{Logger: log}}
}

// directory shows the extensions to scripts (config module), read-only.
type directory struct{ st *store.Store }

func (d directory) Extension(n string) (lua.DirEntry, bool) {
	e, err := d.st.GetExtension(n)
	if err != nil {
		return lua.DirEntry{}, false
	}
	return dirEntry(e), true
}

func dirEntry(e store.Extension) lua.DirEntry {
	d := lua.DirEntry{Number: e.Number, Name: e.Name, Email: e.Email, MaxContacts: e.MaxContacts,
		DND: e.Features.DND, Forward: e.Features.Forward,
		Voicemail: e.VoicemailOn(), CallWaiting: e.CallWaitingOn(), PickupGroup: e.PickupGroup, Recording: e.Recording,
		Tenant: e.Tenant, Codecs: e.Codecs, DTMFMode: e.DTMFMode, Language: e.Language}
	if d.Recording == "" {
		d.Recording = store.RecordOnDemand
	}
	if d.DTMFMode == "" {
		d.DTMFMode = store.DTMFRFC2833
	}
	for _, s := range e.Features.FollowMe {
		d.FollowMe = append(d.FollowMe, lua.FollowStep{Number: s.Number, Timeout: s.Timeout})
	}
	return d
}

// SetDND and SetForward are the feature codes' writes.
func (d directory) SetDND(ext string, on bool) error {
	_, err := d.st.UpdateFeatures(ext, func(f *store.Features) error {
		f.DND = on
		return nil
	})
	return err
}

func (d directory) SetForward(ext, kind, target string) error {
	_, err := d.st.UpdateFeatures(ext, func(f *store.Features) error {
		if target == "" {
			delete(f.Forward, kind)
			return nil
		}
		if f.Forward == nil {
			f.Forward = map[string]string{}
		}
		f.Forward[kind] = target
		return nil
	})
	return err
}

func (d directory) Extensions() []lua.DirEntry {
	es, _ := d.st.ListExtensions() // a corrupt record is left out, not fatal to a script
	out := make([]lua.DirEntry, 0, len(es))
	for _, e := range es {
		out = append(out, dirEntry(e))
	}
	return out
}

// Drain stops taking calls and waits (bounded by ctx) for the running ones
// to end; those still up when ctx ends are hung up.
func (s *Server) Drain(ctx context.Context) error {
	s.Calls.Drain()
	err := s.Calls.Wait(ctx)
	if err != nil {
		s.Calls.HangupAll("shutdown")
	}
	return err
}

// Close hangs up whatever is left and releases everything but the store,
// which belongs to the caller.
func (s *Server) Close() error {
	s.Calls.Drain()
	s.Calls.HangupAll("shutdown")
	wctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	s.Calls.Wait(wctx)
	cancel()
	s.Calls.Close()
	if s.WebRTC != nil {
		s.WebRTC.Close()
	}
	s.Trunks.Close()
	s.queueEvents.close()
	s.cancel()
	<-s.done
	s.Subs.Close()
	s.Messages.Close()
	err := s.Stack.Close()
	s.closeParts()
	return err
}

// pinger sends the registrar's NAT keepalives as OPTIONS requests.
type pinger struct{ stack *sip.Stack }

func (p pinger) Ping(_ context.Context, b store.Binding) error {
	var uri gosip.Uri
	if err := gosip.ParseUri(b.Contact, &uri); err != nil {
		return fmt.Errorf("keepalive: contact %q: %w", b.Contact, err)
	}
	req := gosip.NewRequest(gosip.OPTIONS, uri)
	host := p.stack.Host()
	from := &gosip.FromHeader{Address: gosip.Uri{Scheme: "sip", User: "hookswitch", Host: host}, Params: gosip.NewParams()}
	from.Params.Add("tag", sip.NewTag())
	to := &gosip.ToHeader{Address: gosip.Uri{Scheme: "sip", User: b.AOR, Host: host}}
	cid := gosip.CallIDHeader(sip.NewCallID())
	mf := gosip.MaxForwardsHeader(70)
	req.AppendHeader(from)
	req.AppendHeader(to)
	req.AppendHeader(&cid)
	req.AppendHeader(&gosip.CSeqHeader{SeqNo: 1, MethodName: gosip.OPTIONS})
	req.AppendHeader(&mf)
	req.SetBody(nil)
	req.SetTransport("UDP")
	req.SetDestination(b.Source)
	// Stateless, as Kamailio's nathelper pings: a transaction would hold
	// request and timers for 32 s and retransmit to phones that are gone,
	// for every binding every interval. The answer, if any, is a stray
	// response and dropped; the pinhole is what matters.
	return p.stack.Write(req)
}

// timeConditions gives scripts the stored time conditions.
type timeConditions struct{ st *store.Store }

func (t timeConditions) OpenAt(name string, at time.Time) (bool, error) {
	tc, err := t.st.GetTimeCondition(name)
	if err != nil {
		return false, err
	}
	return tc.Open(at), nil
}

func (t timeConditions) SetOverride(name, mode string, until time.Time) error {
	var m timecond.Mode
	if err := m.UnmarshalText([]byte(mode)); err != nil {
		return err
	}
	return t.st.SetOverride(name, timecond.Override{Mode: m, Until: until})
}

// SyncTrunks (re)starts the trunks' registrations and qualifiers from the
// store, after a change.
func (s *Server) SyncTrunks() error {
	ts, err := s.Store.ListTrunks()
	if err != nil {
		return err
	}
	s.Trunks.Sync(ts)
	return nil
}

// trunkFinder asks the trunk manager, which starts after the B2BUA.
type trunkFinder struct{ s *Server }

func (f trunkFinder) TrunkFor(src netip.AddrPort) (string, bool) {
	if f.s.Trunks == nil {
		return "", false
	}
	return f.s.Trunks.TrunkFor(src)
}

// ContactUser is the user part of a register trunk's Contact (calls the
// provider sends there carry their DID in To); "" for other trunks.
func (f trunkFinder) ContactUser(trunk string) string {
	if f.s.Trunks == nil {
		return ""
	}
	return f.s.Trunks.ContactUser(trunk)
}

// routing gives scripts the stored inbound and outbound rules; cycle
// holds each linear-cycle rule's next starting trunk.
type routing struct {
	st    *store.Store
	cycle *sync.Map // rule name -> *atomic.Uint64
	now   func() time.Time
}

func (r routing) Outbound(ext, number, trunk string) (lua.OutboundRoute, bool, error) {
	rules, err := r.st.ListOutboundRules()
	if err != nil {
		return lua.OutboundRoute{}, false, err
	}
	var groups []string
	if ext != "" {
		if groups, err = r.st.GroupsOf(ext); err != nil {
			return lua.OutboundRoute{}, false, err
		}
	}
	rule, dialled := store.MatchOutbound(rules, ext, number, groups...)
	if rule == nil {
		return lua.OutboundRoute{}, false, nil
	}
	out := lua.OutboundRoute{Rule: rule.Name, Number: dialled, TimeLimit: rule.TimeLimit}
	policy, err := r.st.DialPolicy()
	if err != nil {
		return lua.OutboundRoute{}, false, err
	}
	if err := policy.Check(dialled); err != nil {
		out.Refused = err.Error()
		return out, true, nil
	}
	if e, err := r.st.GetExtension(ext); err == nil {
		if err := policy.Allows(e.Features.Class, dialled); err != nil {
			out.Refused = err.Error()
			return out, true, nil
		}
		out.CallerID = rule.CallerIDFor(e.Features)
	}
	if trunk != "" { // a call from outside going out again: the trunk's class
		t, err := r.st.GetTrunk(trunk)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return lua.OutboundRoute{}, false, err
		}
		if err := policy.Allows(t.Class, dialled); err != nil {
			out.Refused = fmt.Sprintf("calls from trunk %s: %v", trunk, err)
			return out, true, nil
		}
	}
	if policy.IsEmergency(dialled) && policy.EmergencyCID != "" {
		out.CallerID = policy.EmergencyCID
	}
	if !policy.IsEmergency(dialled) {
		out.PINSet = rule.PINSet // nobody is asked for a PIN to call for help
	}
	if rule.TimeCondition != "" && !policy.IsEmergency(dialled) {
		open, err := r.st.OpenAt(r.now())
		if err != nil {
			return lua.OutboundRoute{}, false, err
		}
		if !open(rule.TimeCondition) {
			return lua.OutboundRoute{}, false, nil // the rule is for its hours only
		}
	}
	trunks := append([]string(nil), rule.Trunks...)
	if rule.Method == store.MethodLinearCycle && len(trunks) > 1 {
		v, _ := r.cycle.LoadOrStore(rule.Name, new(atomic.Uint64))
		n := int((v.(*atomic.Uint64).Add(1) - 1) % uint64(len(trunks)))
		trunks = append(trunks[n:], trunks[:n]...)
	}
	out.Trunks = trunks
	return out, true, nil
}

func (r routing) CheckPIN(set, pin string) (string, bool, error) {
	return r.st.CheckPIN(set, pin)
}

// Inbound matches the rules open to the call's tenant: the tenant whose
// DID pool on the trunk holds the DID (SPEC T5).
func (r routing) Inbound(trunk, did, caller string) (string, string, string, string, bool, error) {
	rules, err := r.st.ListInboundRules()
	if err != nil {
		return "", "", "", "", false, err
	}
	tenants, err := r.st.ListTenants()
	if err != nil {
		return "", "", "", "", false, err
	}
	open, err := r.st.OpenAt(r.now())
	if err != nil {
		return "", "", "", "", false, err
	}
	tenant := store.CallTenant(tenants, trunk, did)
	rule, isOpen := store.MatchTenantInbound(rules, tenant, trunk, did, caller, open)
	if rule == nil {
		return "", "", "", "", false, nil
	}
	d := rule.Destination
	if !isOpen {
		d = rule.Closed
	}
	return rule.Name, d.Kind, d.Target, tenant, true, nil
}
