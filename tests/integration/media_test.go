package integration

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"

	"github.com/hookswitch/hookswitch/switch/media/dtmf"
)

// sdpBody is a PCMU offer or answer for a phone's RTP socket with the given
// direction attribute (sendrecv, sendonly, recvonly, inactive).
func sdpBody(rtpAddr netip.AddrPort, version int, dir string) []byte {
	ip := rtpAddr.Addr().String()
	return fmt.Appendf(nil, "v=0\r\no=- 4242 %d IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"+
		"m=audio %d RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"+
		"a=fmtp:101 0-16\r\na=ptime:20\r\na=%s\r\n", version, ip, ip, rtpAddr.Port(), dir)
}

// sdpInfo is what the tests check in an SDP: where media goes and its direction.
type sdpInfo struct {
	media netip.AddrPort
	dir   string
	pcmu  bool
}

func parseSDP(b []byte) (sdpInfo, error) {
	var sd sdp.SessionDescription
	if err := sd.Unmarshal(b); err != nil {
		return sdpInfo{}, fmt.Errorf("parse sdp: %w", err)
	}
	if len(sd.MediaDescriptions) == 0 {
		return sdpInfo{}, errors.New("sdp has no m= line")
	}
	m := sd.MediaDescriptions[0]
	ci := sd.ConnectionInformation
	if m.ConnectionInformation != nil {
		ci = m.ConnectionInformation
	}
	if ci == nil || ci.Address == nil {
		return sdpInfo{}, errors.New("sdp has no c= line")
	}
	ip, err := netip.ParseAddr(ci.Address.Address)
	if err != nil {
		return sdpInfo{}, fmt.Errorf("sdp c= address: %w", err)
	}
	info := sdpInfo{media: netip.AddrPortFrom(ip, uint16(m.MediaName.Port.Value)), dir: "sendrecv"}
	for _, f := range m.MediaName.Formats {
		if f == "0" {
			info.pcmu = true
		}
	}
	for _, attrs := range [][]sdp.Attribute{sd.Attributes, m.Attributes} {
		for _, a := range attrs {
			switch a.Key {
			case "sendrecv", "sendonly", "recvonly", "inactive":
				info.dir = a.Key
			}
		}
	}
	return info, nil
}

// answerDir is the direction that answers an offered one (RFC 3264 6.1).
func answerDir(offer string) string {
	switch offer {
	case "sendonly":
		return "recvonly"
	case "recvonly":
		return "sendonly"
	}
	return offer
}

// rtpPeer is a phone's RTP socket: it sends PCMU at 20 ms and checks that
// what it receives is intact.
type rtpPeer struct {
	conn *net.UDPConn
	addr netip.AddrPort
	ssrc uint32

	mu      sync.Mutex
	seq     uint16
	good    int
	bad     int
	sources map[netip.AddrPort]int
	heard   []int16 // every PCMU payload received, decoded (audio tests)
	digits  []byte  // RFC 4733 digits received
	rx      dtmf.Receiver
}

func newRTPPeer(t testing.TB, ssrc uint32) *rtpPeer {
	t.Helper()
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatalf("rtp listen: %v", err)
	}
	r := &rtpPeer{conn: conn, addr: conn.LocalAddr().(*net.UDPAddr).AddrPort(), ssrc: ssrc,
		sources: map[netip.AddrPort]int{}}
	done := make(chan struct{})
	go r.read(done)
	t.Cleanup(func() { conn.Close(); <-done })
	return r
}

// payload is the 160-byte PCMU frame for a sequence number: a pattern the
// receiver can check byte for byte.
func payload(seq uint16) []byte {
	p := make([]byte, 160)
	for i := range p {
		p[i] = byte(seq) ^ byte(i*7)
	}
	return p
}

func (r *rtpPeer) read(done chan struct{}) {
	defer close(done)
	buf := make([]byte, 2048)
	var pkt rtp.Packet
	for {
		n, src, err := r.conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		parsed := pkt.Unmarshal(buf[:n]) == nil
		ok := parsed && pkt.PayloadType == 0 && string(pkt.Payload) == string(payload(pkt.SequenceNumber))
		r.mu.Lock()
		r.keep(parsed, &pkt)
		if ok {
			r.good++
		} else {
			r.bad++
		}
		r.sources[src]++
		r.mu.Unlock()
	}
}

// send transmits n packets to dst, one every 20 ms.
func (r *rtpPeer) send(dst netip.AddrPort, n int) error {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for i := 0; i < n; i++ {
		r.mu.Lock()
		r.seq++
		seq := r.seq
		r.mu.Unlock()
		pkt := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 0, SequenceNumber: seq,
			Timestamp: uint32(seq) * 160, SSRC: r.ssrc}, Payload: payload(seq)}
		b, err := pkt.Marshal()
		if err != nil {
			return err
		}
		if _, err := r.conn.WriteToUDPAddrPort(b, dst); err != nil {
			return fmt.Errorf("rtp send: %w", err)
		}
		<-t.C
	}
	return nil
}

// received returns the intact and broken packet counts so far.
func (r *rtpPeer) received() (good, bad int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.good, r.bad
}

// forgetSources starts a new onlyFrom check.
func (r *rtpPeer) forgetSources() {
	r.mu.Lock()
	clear(r.sources)
	r.mu.Unlock()
}

// onlyFrom reports whether every packet came from src.
func (r *rtpPeer) onlyFrom(src netip.AddrPort) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for a := range r.sources {
		if a != src {
			return false
		}
	}
	return true
}

// waitGood waits until at least n intact packets arrived in total.
func (r *rtpPeer) waitGood(t testing.TB, n int) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		if g, _ := r.received(); g >= n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	g, b := r.received()
	t.Fatalf("rtp at %s: %d intact packets (%d broken), want >= %d", r.addr, g, b, n)
}

// exchange sends n packets each way between two phones at once, each to the
// media address its SDP named, and checks each end got at least want more
// intact packets and no altered one, all from the switch address it was
// sending to. (What they heard before, prompts or music, is not counted.)
func exchange(t testing.TB, a *phone, aDst netip.AddrPort, b *phone, bDst netip.AddrPort, n, want int) {
	t.Helper()
	ga, ba := a.rtp.received()
	gb, bb := b.rtp.received()
	before := map[*phone]int{a: ba, b: bb}
	a.rtp.forgetSources()
	b.rtp.forgetSources()
	errs := make(chan error, 2)
	go func() { errs <- a.rtp.send(aDst, n) }()
	go func() { errs <- b.rtp.send(bDst, n) }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	a.rtp.waitGood(t, ga+want)
	b.rtp.waitGood(t, gb+want)
	for _, p := range []struct {
		ph  *phone
		src netip.AddrPort
	}{{a, aDst}, {b, bDst}} {
		if _, bad := p.ph.rtp.received(); bad != before[p.ph] {
			t.Errorf("%s received %d altered RTP packets", p.ph.user, bad-before[p.ph])
		}
		if !p.ph.rtp.onlyFrom(p.src) {
			t.Errorf("%s received RTP from other sources than the switch port %s", p.ph.user, p.src)
		}
	}
}
