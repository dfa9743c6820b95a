package media

import (
	"encoding/binary"
	"math"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/media/dtmf"
	"github.com/hookswitch/hookswitch/switch/media/wav"
)

var pcmu = Codec{PT: 0, Name: "PCMU", Rate: 8000}

// sine returns n samples of a tone at freq Hz.
func sine(freq float64, n int, amp float64) []int16 {
	out := make([]int16, n)
	for i := range out {
		out[i] = int16(amp * math.Sin(2*math.Pi*freq*float64(i)/8000))
	}
	return out
}

// power is the Goertzel power of freq in pcm, normalised per sample.
func power(pcm []int16, freq float64) float64 {
	k := 2 * math.Cos(2*math.Pi*freq/8000)
	var s1, s2 float64
	for _, v := range pcm {
		s0 := float64(v) + k*s1 - s2
		s2, s1 = s1, s0
	}
	p := s1*s1 + s2*s2 - k*s1*s2
	return p / float64(len(pcm)) / float64(len(pcm))
}

// hasTone reports whether freq is in pcm at the level the tests send
// (at least about -40 dB below full scale), far above the power at an
// unrelated frequency. G.711's companding leaves intermodulation products
// some 36 dB down; the tests pick frequencies that avoid them.
func hasTone(pcm []int16, freq float64) bool {
	return power(pcm, freq) > 1e5 && power(pcm, freq) > 50*power(pcm, 3100)
}

// phone is a fake phone: it sends a tone as paced PCMU RTP and keeps the
// audio it receives.
type phone struct {
	*endpoint
	mu    sync.Mutex
	heard []int16
	pts   map[uint8]int
	pkts  [][]byte
	stop  chan struct{}
	done  sync.WaitGroup
}

func newPhone(t *testing.T) *phone {
	p := &phone{endpoint: newEndpoint(t), pts: map[uint8]int{}, stop: make(chan struct{})}
	p.done.Add(1)
	go p.listen()
	t.Cleanup(p.close)
	return p
}

func (p *phone) close() {
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	p.conn.Close()
	p.done.Wait()
}

func (p *phone) listen() {
	defer p.done.Done()
	buf := make([]byte, 2048)
	for {
		n, _, err := p.conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			return
		}
		h, ok := parseRTP(buf[:n])
		if !ok || !validRTP(buf[:n]) {
			continue
		}
		p.mu.Lock()
		p.pts[h.pt]++
		p.pkts = append(p.pkts, append([]byte(nil), buf[:n]...))
		if h.pt == ptPCMU {
			pcm := make([]int16, len(h.payload))
			DecodeUlaw(pcm, h.payload)
			p.heard = append(p.heard, pcm...)
		}
		p.mu.Unlock()
	}
}

// talk sends pcm to `to` as 20 ms PCMU packets in real time.
func (p *phone) talk(to func() netip.AddrPort, pcm []int16) {
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		t := time.NewTicker(frameTime)
		defer t.Stop()
		seq, ts := uint16(1), uint32(1000)
		pkt := make([]byte, rtpHeaderLen+FrameSamples)
		for off := 0; off+FrameSamples <= len(pcm); off += FrameSamples {
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
			pkt[0], pkt[1] = 0x80, 0
			binary.BigEndian.PutUint16(pkt[2:], seq)
			binary.BigEndian.PutUint32(pkt[4:], ts)
			binary.BigEndian.PutUint32(pkt[8:], 0x1234)
			EncodeUlaw(pkt[rtpHeaderLen:], pcm[off:off+FrameSamples])
			p.conn.WriteToUDPAddrPort(pkt, to())
			seq++
			ts += FrameSamples
		}
	}()
}

func (p *phone) audio() []int16 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]int16(nil), p.heard...)
}

// terminated starts a session whose leg A faces ph, terminated locally.
func terminated(t *testing.T, e *Engine, ph *phone, dtmfPT int) (*Session, *Endpoint) {
	s := newTestSession(t, e, nil)
	s.A().SetRemote(ph.addr())
	s.Start()
	ep, err := e.Terminate(s.A(), EndpointOptions{Codec: pcmu, DTMFPT: dtmfPT})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ep.Close)
	return s, ep
}

func TestEndpointPlays(t *testing.T) {
	e := newTestEngine(t, Config{})
	ph := newPhone(t)
	_, ep := terminated(t, e, ph, 101)
	select {
	case <-ep.Play(NewClip(sine(1000, 8000/2, 8000), 1)):
	case <-time.After(5 * time.Second):
		t.Fatal("a half-second clip did not end")
	}
	waitFor(t, "the clip's packets", func() bool { return len(ph.audio()) >= 8000/2 })
	heard := ph.audio()
	if !hasTone(heard[800:3200], 1000) {
		t.Fatalf("the phone did not hear the 1 kHz clip (power %.0f)", power(heard[800:3200], 1000))
	}
	// Sequence numbers and timestamps advance by one frame per packet.
	ph.mu.Lock()
	defer ph.mu.Unlock()
	for i := 1; i < len(ph.pkts); i++ {
		a, b := ph.pkts[i-1], ph.pkts[i]
		if binary.BigEndian.Uint16(b[2:])-binary.BigEndian.Uint16(a[2:]) != 1 ||
			binary.BigEndian.Uint32(b[4:])-binary.BigEndian.Uint32(a[4:]) != FrameSamples {
			t.Fatalf("packet %d does not follow packet %d by one frame", i, i-1)
		}
	}
	if ph.pkts[0][1]&0x80 == 0 {
		t.Fatal("the first packet of a talkspurt lacks the marker bit")
	}
}

func TestEndpointHearsRFC4733Digits(t *testing.T) {
	e := newTestEngine(t, Config{})
	ph := newPhone(t)
	s, ep := terminated(t, e, ph, 101)
	var snd dtmf.Sender
	for i, d := range []byte("5#") {
		if err := snd.Start(d, 100*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		ts := uint32(5000 + 8000*i)
		for seq := uint16(100 * (i + 1)); ; seq++ {
			payload, marker, done := snd.Next()
			pkt := make([]byte, rtpHeaderLen, rtpHeaderLen+len(payload))
			pkt[0], pkt[1] = 0x80, 101
			if marker {
				pkt[1] |= 0x80
			}
			binary.BigEndian.PutUint16(pkt[2:], seq)
			binary.BigEndian.PutUint32(pkt[4:], ts)
			binary.BigEndian.PutUint32(pkt[8:], 0x99)
			ph.send(legAddr(s.A()), append(pkt, payload...))
			if done {
				break
			}
		}
	}
	got := ""
	for len(got) < 2 {
		select {
		case d := <-ep.Digits():
			got += string(d)
		case <-time.After(3 * time.Second):
			t.Fatalf("digits %q, want \"5#\"", got)
		}
	}
	if got != "5#" {
		t.Fatalf("digits %q, want \"5#\"", got)
	}
	select {
	case d := <-ep.Digits():
		t.Fatalf("extra digit %q: retransmitted end packets counted twice", d)
	case <-time.After(200 * time.Millisecond):
	}
}

func TestEndpointHearsInbandDigits(t *testing.T) {
	e := newTestEngine(t, Config{})
	ph := newPhone(t)
	s, ep := terminated(t, e, ph, -1)
	// 7 is 852 + 1209 Hz; 120 ms of it, then silence.
	tone := make([]int16, 8000/2)
	for i := range 960 {
		tone[i] = int16(6000*math.Sin(2*math.Pi*852*float64(i)/8000) + 6000*math.Sin(2*math.Pi*1209*float64(i)/8000))
	}
	ph.talk(func() netip.AddrPort { return legAddr(s.A()) }, tone)
	select {
	case d := <-ep.Digits():
		if d != '7' {
			t.Fatalf("digit %q, want 7", d)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("no in-band digit detected")
	}
}

func TestEndpointSendsDigits(t *testing.T) {
	e := newTestEngine(t, Config{})
	ph := newPhone(t)
	_, ep := terminated(t, e, ph, 101)
	if err := ep.SendDigits("1#"); err != nil {
		t.Fatal(err)
	}
	if err := ep.SendDigits("x"); err == nil {
		t.Fatal("SendDigits accepted x")
	}
	var rx dtmf.Receiver
	got := ""
	waitFor(t, "two digits sent as RFC 4733 events", func() bool {
		ph.mu.Lock()
		defer ph.mu.Unlock()
		for _, pkt := range ph.pkts {
			h, _ := parseRTP(pkt)
			if h.pt != 101 {
				continue
			}
			if d, ok := rx.Packet(h.ssrc, h.ts, h.marker, h.payload); ok {
				got += string(d)
			}
		}
		ph.pkts = ph.pkts[:0]
		return len(got) >= 2
	})
	if got != "1#" {
		t.Fatalf("sent %q, want \"1#\"", got)
	}
}

func TestEndpointRecords(t *testing.T) {
	e := newTestEngine(t, Config{})
	ph := newPhone(t)
	s, ep := terminated(t, e, ph, 101)
	path := filepath.Join(t.TempDir(), "r.wav")
	rec, err := NewRecorder(path, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewRecorder(path, 1); err == nil {
		t.Fatal("a second recorder overwrote an existing file")
	}
	ep.AddRecorder(rec)
	ph.talk(func() netip.AddrPort { return legAddr(s.A()) }, sine(440, 8000, 8000))
	waitFor(t, "a second of recording", func() bool { return rec.Duration() >= time.Second })
	ep.RemoveRecorder(rec)
	d, err := rec.Close()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pcm, err := wav.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	if got := time.Duration(len(pcm)) * time.Second / 8000; got != d {
		t.Fatalf("file holds %v, recorder said %v", got, d)
	}
	if !hasTone(pcm, 440) {
		t.Fatal("the recording does not hold the phone's 440 Hz tone")
	}
}

// Three phones in a room each send their own tone; each hears the other
// two and not itself.
func TestRoomMixesOthers(t *testing.T) {
	e := newTestEngine(t, Config{})
	room := e.NewRoom()
	defer room.Close()
	freqs := []float64{440, 1000, 1650} // no intermodulation product of two hits the third
	var phones []*phone
	for _, f := range freqs {
		ph := newPhone(t)
		s, ep := terminated(t, e, ph, 101)
		if err := room.Join(ep); err != nil {
			t.Fatal(err)
		}
		ph.talk(func() netip.AddrPort { return legAddr(s.A()) }, sine(f, 8000*2, 5000))
		phones = append(phones, ph)
	}
	for _, ph := range phones {
		waitFor(t, "1.5 s of the mix", func() bool { return len(ph.audio()) >= 12000 })
	}
	for i, ph := range phones {
		pcm := ph.audio()[4000:12000]
		for j, f := range freqs {
			if got := hasTone(pcm, f); got != (i != j) {
				t.Errorf("phone %d (%v Hz): hears %v Hz = %v, want %v", i, freqs[i], f, got, i != j)
			}
		}
	}
}

// A one-touch recording keeps each party on its own channel.
func TestCallRecorderStereo(t *testing.T) {
	e := newTestEngine(t, Config{})
	pa, pb := newPhone(t), newPhone(t)
	s := newTestSession(t, e, nil)
	s.A().SetRemote(pa.addr())
	s.B().SetRemote(pb.addr())
	s.Start()
	path := filepath.Join(t.TempDir(), "call.wav")
	rec, err := NewRecorder(path, 2)
	if err != nil {
		t.Fatal(err)
	}
	cr, err := e.RecordCall(s, rec)
	if err != nil {
		t.Fatal(err)
	}
	pa.talk(func() netip.AddrPort { return legAddr(s.A()) }, sine(600, 8000, 6000))
	pb.talk(func() netip.AddrPort { return legAddr(s.B()) }, sine(1500, 8000, 6000))
	waitFor(t, "a second recorded", func() bool { return rec.Duration() >= time.Second })
	cr.Stop()
	rec.Close()
	// The relay went on: each phone heard the other.
	if !hasTone(pa.audio(), 1500) || !hasTone(pb.audio(), 600) {
		t.Fatal("recording disturbed the relay")
	}
	data, _ := os.ReadFile(path)
	pcm, f, err := wav.Decode(data)
	if err != nil || f.Channels != 2 {
		t.Fatalf("decode: %v, %+v", err, f)
	}
	left, right := make([]int16, len(pcm)/2), make([]int16, len(pcm)/2)
	for i := range left {
		left[i], right[i] = pcm[2*i], pcm[2*i+1]
	}
	if !hasTone(left, 600) || hasTone(left, 1500) || !hasTone(right, 1500) || hasTone(right, 600) {
		t.Fatal("the channels do not hold one party each")
	}
}

// Without a telephone-event PT, digits go out as in-band tones that a
// detector on the far side recognises.
func TestEndpointSendsInbandDigits(t *testing.T) {
	e := newTestEngine(t, Config{})
	ph := newPhone(t)
	_, ep := terminated(t, e, ph, -1)
	if err := ep.SendDigits("58"); err != nil {
		t.Fatal(err)
	}
	det := dtmf.NewDetector()
	var got []byte
	waitFor(t, "two in-band digits", func() bool {
		got = det.Process(got[:0], ph.audio())
		det.Reset()
		return len(got) >= 2
	})
	if string(got) != "58" {
		t.Fatalf("detected %q, want \"58\"", got)
	}
	ph.mu.Lock()
	defer ph.mu.Unlock()
	if ph.pts[101] != 0 {
		t.Fatal("RFC 4733 events sent to a peer without telephone-event")
	}
}
