package media

import (
	"fmt"
	"net/netip"
)

// Sink receives the RTP packets a leg's peer sends, on the relay's
// goroutine: it must copy what it keeps and return at once.
type Sink interface {
	RTP(pkt []byte)
}

// tap is a leg's local consumer: own means the leg is terminated here (its
// media goes to sink only and nothing is relayed to it), otherwise sink
// gets a copy and the relay goes on (recording a bridged call).
type tap struct {
	sink Sink
	own  bool
}

// Own terminates the leg's media locally: what its peer sends goes to
// sink and is not relayed, and the other leg's media no longer reaches it;
// Send is then its only source. Own replaces any earlier tap.
func (l *Leg) Own(sink Sink) { l.tap.Store(&tap{sink: sink, own: true}) }

// Listen gives sink a copy of what the leg's peer sends while the relay
// goes on. It replaces any earlier tap.
func (l *Leg) Listen(sink Sink) { l.tap.Store(&tap{sink: sink}) }

// Release ends Own or Listen if sink still holds the leg: relaying resumes.
// It reports whether it released.
func (l *Leg) Release(sink Sink) bool {
	t := l.tap.Load()
	return t != nil && t.sink == sink && l.tap.CompareAndSwap(t, nil)
}

// Owner returns the sink that owns the leg, or nil.
func (l *Leg) Owner() Sink {
	if t := l.tap.Load(); t != nil && t.own {
		return t.sink
	}
	return nil
}

// Send sends one RTP packet to the leg's peer from any goroutine; sc is
// the caller's scratch space (one per sending goroutine). It does nothing
// once the session is closing, and drops the packet while the peer's
// address is unknown or the socket buffer is full: media is real time.
func (l *Leg) Send(pkt []byte, sc *SendScratch) error { return l.send(pkt, sc, true) }

// send is Send; stamp false leaves the timestamps alone (a packet written
// into the relayed stream already carries the stream's own).
func (l *Leg) send(pkt []byte, sc *SendScratch, stamp bool) error {
	s := l.s
	s.sendMu.RLock()
	defer s.sendMu.RUnlock()
	if s.sendOff {
		return ErrClosed
	}
	to := l.rtpPeer.Load().dest()
	if !to.IsValid() {
		return nil
	}
	if stamp && len(pkt) >= rtpHeaderLen {
		l.out.apply(pkt, s.e.now())
	}
	if err := l.pair.rtp.send(pkt, to, sc); err != nil {
		return fmt.Errorf("send rtp to %s: %w", to, err)
	}
	l.packetsOut.Add(1)
	l.bytesOut.Add(uint64(len(pkt)))
	return nil
}

// dest is where a packet from Send would go now.
func (l *Leg) dest() netip.AddrPort { return l.rtpPeer.Load().dest() }
