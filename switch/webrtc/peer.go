package webrtc

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// maxPacket is the read buffer of both relay directions: audio RTP is far
// below the MTU, and a datagram that fills the buffer may have been
// truncated, so it is dropped.
const maxPacket = 1500

// gatherTimeout bounds the wait for our ICE candidates. ICE-lite on a
// shared port gathers at once; this only guards against a pion surprise.
const gatherTimeout = 5 * time.Second

// role is which side made the offer.
type role int

const (
	roleUnknown  role = iota
	roleAnswerer      // the browser offered (AcceptOffer, Answer)
	roleOfferer       // we offered to the browser (Offer, AcceptAnswer)
)

// Peer is one browser leg: a pion PeerConnection and its plain RTP socket.
// It relays RTP both ways from the moment ICE and DTLS complete until
// Close. It costs three goroutines of its own (plain reader, browser
// reader, RTCP reader) besides pion's, and a bounded amount of memory:
// one packet buffer per direction and pion's bounded queues.
//
// A Peer is made for one offer/answer exchange. Media direction is taken
// from that exchange (a browser's sendonly or a plain side's inactive
// offer is relayed into the other description); a later re-offer, e.g. a
// hold, is not renegotiated with the browser: the switch holds by not
// relaying, which a Peer follows naturally since it only relays what
// arrives.
type Peer struct {
	g     *Gateway
	pc    *webrtc.PeerConnection
	plain *plainConn
	track *relayTrack
	log   *slog.Logger

	role    role
	browser stream // the browser's offer (roleAnswerer)
	// browserEventFmtp is its telephone-event fmtp, repeated in our answer.
	browserEventFmtp string
	offer            stream // the plain offer (roleOfferer)

	mu        sync.Mutex
	answered  bool
	closed    bool
	readingIn bool // the browser track reader started
	wg        sync.WaitGroup
	connected chan struct{}
	connOnce  sync.Once
	done      chan struct{}
	doneOnce  sync.Once

	live   atomic.Bool // ICE and DTLS completed
	routes atomic.Pointer[routes]
	remote atomic.Pointer[plainPeer]

	fromBrowser, toPlain atomic.Uint64
	fromPlain, toBrowser atomic.Uint64
	early, dropped       atomic.Uint64
}

// Stats are a Peer's RTP counters.
type Stats struct {
	FromBrowser uint64 // packets decrypted from the browser
	ToPlain     uint64 // packets sent to the plain side
	FromPlain   uint64 // packets read on the plain socket from the plain side
	ToBrowser   uint64 // packets sent to the browser over SRTP
	Early       uint64 // plain-side packets dropped because ICE and DTLS had not completed
	Dropped     uint64 // other packets not relayed: not RTP, wrong source, PT not negotiated, nowhere to send
	Latched     netip.AddrPort
}

var peerIDs atomic.Uint64

func (g *Gateway) newPeer(r role) (*Peer, error) {
	plain, err := listenPlain(g.cfg.PlainIP)
	if err != nil {
		return nil, err
	}
	pc, err := g.newPeerConnection()
	if err != nil {
		plain.close()
		return nil, fmt.Errorf("%w: %w", ErrNegotiation, err)
	}
	id := strconv.FormatUint(peerIDs.Add(1), 10)
	p := &Peer{
		g:         g,
		pc:        pc,
		plain:     plain,
		track:     newRelayTrack(id),
		log:       g.log.With("webrtc_peer", id, "plain_port", plain.port),
		role:      r,
		connected: make(chan struct{}),
		done:      make(chan struct{}),
	}
	p.remote.Store(&plainPeer{})
	pc.OnConnectionStateChange(p.onState)
	pc.OnTrack(p.onTrack)
	p.wg.Add(1)
	go p.plainLoop()
	if !g.add(p) {
		_ = p.Close()
		return nil, ErrClosed
	}
	return p, nil
}

// Connected is closed once ICE and DTLS have completed: RTP flows from
// then on, never before.
func (p *Peer) Connected() <-chan struct{} { return p.connected }

// Done is closed when the browser leg failed (ICE consent lost, DTLS
// closed) or the Peer was closed: the call should end.
func (p *Peer) Done() <-chan struct{} { return p.done }

// PlainAddr is the plain RTP socket's address, the one the plain SDPs carry.
func (p *Peer) PlainAddr() netip.AddrPort {
	return netip.AddrPortFrom(p.g.cfg.PlainIP, uint16(p.plain.port))
}

// Stats returns a snapshot of the counters.
func (p *Peer) Stats() Stats {
	return Stats{
		FromBrowser: p.fromBrowser.Load(),
		ToPlain:     p.toPlain.Load(),
		FromPlain:   p.fromPlain.Load(),
		ToBrowser:   p.toBrowser.Load(),
		Early:       p.early.Load(),
		Dropped:     p.dropped.Load(),
		Latched:     p.remote.Load().latched,
	}
}

// Close ends the browser leg and both relay directions and waits for the
// Peer's goroutines. Later calls do nothing.
func (p *Peer) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	p.mu.Unlock()
	err := p.pc.Close()
	p.plain.close()
	p.wg.Wait()
	p.doneOnce.Do(func() { close(p.done) })
	p.g.forget(p)
	if err != nil {
		return fmt.Errorf("close webrtc peer: %w", err)
	}
	return nil
}

func (p *Peer) onState(s webrtc.PeerConnectionState) {
	switch s {
	case webrtc.PeerConnectionStateConnected:
		p.live.Store(true)
		p.connOnce.Do(func() { close(p.connected) })
		p.log.Info("webrtc peer connected")
	case webrtc.PeerConnectionStateFailed, webrtc.PeerConnectionStateClosed:
		p.live.Store(false)
		p.doneOnce.Do(func() { close(p.done) })
		p.log.Info("webrtc peer ended", "state", s.String())
	}
}

// setRemote sets the plain side's address from its SDP; latching stays
// open until the first packet.
func (p *Peer) setRemote(addr netip.AddrPort) {
	p.remote.Store(&plainPeer{sdp: usableRemote(addr)})
}

// accept latches the plain side on its first packet's source and then
// refuses every other source, so nobody can inject audio into the call.
func (p *Peer) accept(src netip.AddrPort) bool {
	for {
		cur := p.remote.Load()
		if cur.latched.IsValid() {
			return cur.latched == src
		}
		if p.remote.CompareAndSwap(cur, &plainPeer{sdp: cur.sdp, latched: src}) {
			return true
		}
	}
}

// spawn starts f as one of the Peer's goroutines unless it is closed.
func (p *Peer) spawn(f func()) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		f()
	}()
	return true
}

// plainLoop relays the plain side's RTP to the browser. It ends when Close
// closes the socket.
func (p *Peer) plainLoop() {
	defer p.wg.Done()
	buf := make([]byte, maxPacket)
	var h rtp.Header
	var seq sequencer
	for {
		n, src, err := p.plain.rtp.ReadFromUDPAddrPort(buf)
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				p.log.Info("webrtc plain socket failed", "err", err)
			}
			return
		}
		if n == len(buf) {
			p.dropped.Add(1)
			continue
		}
		p.relayFromPlain(buf[:n], unmap(src), &h, &seq)
	}
}

// relayFromPlain sends one packet of the plain side to the browser. h and
// seq belong to the calling goroutine.
func (p *Peer) relayFromPlain(pkt []byte, src netip.AddrPort, h *rtp.Header, seq *sequencer) {
	payload, ok := parseRTP(pkt, h)
	if !ok || !p.accept(src) {
		p.dropped.Add(1)
		return
	}
	p.fromPlain.Add(1)
	if !p.live.Load() {
		p.early.Add(1) // never in clear, never queued for later
		return
	}
	r := p.routes.Load()
	if r == nil {
		p.dropped.Add(1)
		return
	}
	pt, ok := r.toBrowser.lookup(h.PayloadType)
	if !ok {
		p.dropped.Add(1)
		return
	}
	h.PayloadType = pt
	seq.apply(h, time.Now())
	if p.track.writeRTP(h, payload) {
		p.toBrowser.Add(1)
	} else {
		p.dropped.Add(1)
	}
}

// onTrack runs in its own goroutine (pion starts it) for each track the
// browser sends; the first is relayed, as a phone has one audio stream.
func (p *Peer) onTrack(t *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
	p.mu.Lock()
	if p.closed || p.readingIn {
		p.mu.Unlock()
		return
	}
	p.readingIn = true
	p.wg.Add(1)
	p.mu.Unlock()
	defer p.wg.Done()
	p.browserLoop(t)
}

// browserLoop relays the browser's decrypted RTP to the plain side, its PT
// mapped, its SSRC, sequence and timestamps kept. It ends when the
// PeerConnection closes.
func (p *Peer) browserLoop(t *webrtc.TrackRemote) {
	buf := make([]byte, maxPacket)
	for {
		n, _, err := t.Read(buf)
		if err != nil {
			if n == 0 || errors.Is(err, io.EOF) {
				return
			}
			p.dropped.Add(1) // a PT pion does not know: read, not relayed
			continue
		}
		if n == len(buf) {
			p.dropped.Add(1)
			continue
		}
		p.relayFromBrowser(buf[:n])
	}
}

// relayFromBrowser sends one decrypted packet of the browser to the plain
// side, rewriting its PT in place.
func (p *Peer) relayFromBrowser(pkt []byte) {
	if len(pkt) < rtpHeaderLen {
		p.dropped.Add(1)
		return
	}
	p.fromBrowser.Add(1)
	r := p.routes.Load()
	if !p.live.Load() || r == nil {
		p.dropped.Add(1)
		return
	}
	pt, ok := r.toPlain.lookup(pkt[1])
	dst := p.remote.Load().dest()
	if !ok || !dst.IsValid() {
		p.dropped.Add(1)
		return
	}
	pkt[1] = pkt[1]&0x80 | pt
	if _, err := p.plain.rtp.WriteToUDPAddrPort(pkt, dst); err != nil {
		p.dropped.Add(1)
		return
	}
	p.toPlain.Add(1)
}

// readRTCP drains the RTCP the browser sends about our stream: pion's
// interceptors process it on read, and unread it would only fill a queue.
func (p *Peer) readRTCP(s *webrtc.RTPSender) {
	buf := make([]byte, maxPacket)
	for {
		if _, _, err := s.Read(buf); err != nil {
			return
		}
	}
}

// localDescription sets d as our description and returns it with its ICE
// candidates (ICE-lite does not trickle).
func (p *Peer) localDescription(d webrtc.SessionDescription) ([]byte, error) {
	gathered := webrtc.GatheringCompletePromise(p.pc)
	if err := p.pc.SetLocalDescription(d); err != nil {
		return nil, fmt.Errorf("%w: set local description: %w", ErrNegotiation, err)
	}
	t := time.NewTimer(gatherTimeout)
	defer t.Stop()
	select {
	case <-gathered:
	case <-t.C:
		return nil, fmt.Errorf("%w: ice gathering did not complete", ErrNegotiation)
	}
	ld := p.pc.LocalDescription()
	if ld == nil {
		return nil, fmt.Errorf("%w: no local description", ErrNegotiation)
	}
	return []byte(ld.SDP), nil
}

// fail closes the Peer after a failed offer/answer step and returns err:
// a half-negotiated leg is of no use.
func (p *Peer) fail(err error) error {
	_ = p.Close()
	return err
}
