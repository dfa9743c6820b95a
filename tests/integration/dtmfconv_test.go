package integration

import (
	"net/netip"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/media/dtmf"
	"github.com/hookswitch/hookswitch/switch/media/tone"
	"github.com/hookswitch/hookswitch/switch/store"
)

// sendInfoDigit sends one DTMF INFO on d and wants it answered 200.
func sendInfoDigit(t *testing.T, p *phone, d *dialog, digit string) {
	t.Helper()
	info := d.request(sip.INFO)
	info.AppendHeader(sip.NewHeader("Content-Type", "application/dtmf-relay"))
	info.SetBody([]byte("Signal=" + digit + "\r\nDuration=160\r\n"))
	if res := p.do(t, info); res.StatusCode != 200 {
		t.Fatalf("INFO %s: %d, want 200", digit, res.StatusCode)
	}
}

// packets is how many RTP packets r received, intact or not.
func (r *rtpPeer) packets() int {
	g, b := r.received()
	return g + b
}

// flush sends n audio packets from r to dst and waits until the other
// phone, to, has received them: what was relayed before has arrived.
func flush(t *testing.T, r *rtpPeer, dst netip.AddrPort, to *rtpPeer, n int) {
	t.Helper()
	before := to.packets()
	if err := r.send(dst, n); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the audio after the digits", func() bool { return to.packets() >= before+n })
}

// heardDigits runs a DTMF detector over pcm.
func heardDigits(pcm []int16) string {
	var d dtmf.Detector
	return string(d.Process(nil, pcm))
}

// dtmfTones is digits as tones of 100 ms with 100 ms pauses, then 200 ms
// of silence.
func dtmfTones(t *testing.T, digits string) []int16 {
	t.Helper()
	var pcm []int16
	for i := range len(digits) {
		tn, err := tone.DTMF(digits[i], 100*time.Millisecond, 100*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]int16, 1600)
		tone.NewGenerator(tn, 8000).Read(buf)
		pcm = append(pcm, buf...)
	}
	return append(pcm, make([]int16, 1600)...)
}

// An INFO phone that goes on sending audio during its digit: the other
// phone gets the digit once, as RFC 4733 events in the relayed stream;
// the other phone's RFC 4733 digit reaches the INFO phone as an INFO only.
func TestDTMFModeInfoWithAudio(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t)
	sw.setSettings(t, "1001", func(s *store.Settings) { s.DTMFMode = "info" })
	_, da, db := connect(t, sw, a, b)
	exchange(t, a, da.Media(), b, db.Media(), 10, 5)

	talk := make(chan error, 1)
	go func() { talk <- a.rtp.send(da.Media(), 40) }()
	time.Sleep(100 * time.Millisecond) // the digit lands in the middle of the audio
	sendInfoDigit(t, a, da, "5")
	if err := <-talk; err != nil {
		t.Fatal(err)
	}
	flush(t, a.rtp, da.Media(), b.rtp, 5)
	b.rtp.mu.Lock()
	got := string(b.rtp.digits)
	b.rtp.mu.Unlock()
	if got != "5" {
		t.Fatalf("RFC 4733 phone decoded %q, want exactly one 5", got)
	}

	b.rtp.sendDigits(t, db.Media(), "7")
	recv(t, a.infos, "INFO with 1002's digit")
	flush(t, b.rtp, db.Media(), a.rtp, 5)
	a.rtp.mu.Lock()
	got = string(a.rtp.digits)
	a.rtp.mu.Unlock()
	if got != "" {
		t.Fatalf("INFO phone got RFC 4733 digits %q, want none (it negotiated no telephone-event)", got)
	}
	da.bye(t)
	db.waitBye(t)
}

// Feature codes hear an INFO phone's digits during a bridge: *1 by INFO
// starts the one-touch recording.
func TestDTMFModeInfoFeatureCode(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t)
	sw.setSettings(t, "1001", func(s *store.Settings) { s.DTMFMode = "info" })
	_, da, db := connect(t, sw, a, b)
	sendInfoDigit(t, a, da, "*")
	sendInfoDigit(t, a, da, "1")
	waitFor(t, "the recording to start", func() bool { return sw.srv.Recordings.InProgress() == 1 })
	da.bye(t)
	db.waitBye(t)
}

// An in-band phone hears the other phone's RFC 4733 digit as tones, its
// own tones reach the other phone as RFC 4733 events, and its *1 in tones
// starts the one-touch recording.
func TestDTMFModeInband(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t)
	sw.setSettings(t, "1001", func(s *store.Settings) { s.DTMFMode = "inband" })
	_, da, db := connect(t, sw, a, b)
	exchange(t, a, da.Media(), b, db.Media(), 10, 5)

	from := len(a.rtp.audio())
	b.rtp.sendDigits(t, db.Media(), "4")
	waitFor(t, "the in-band phone to hear a 4", func() bool { return heardDigits(a.rtp.audioSince(from)) == "4" })
	flush(t, b.rtp, db.Media(), a.rtp, 5)
	if got := heardDigits(a.rtp.audioSince(from)); got != "4" {
		t.Fatalf("in-band phone heard %q, want one 4", got)
	}
	a.rtp.mu.Lock()
	got := string(a.rtp.digits)
	a.rtp.mu.Unlock()
	if got != "" {
		t.Fatalf("in-band phone got RFC 4733 digits %q, want tones only", got)
	}

	if err := a.rtp.sendPCM(da.Media(), dtmfTones(t, "9")); err != nil {
		t.Fatal(err)
	}
	b.rtp.waitDigits(t, "9")

	if err := a.rtp.sendPCM(da.Media(), dtmfTones(t, "*1")); err != nil {
		t.Fatal(err)
	}
	b.rtp.waitDigits(t, "9*1")
	waitFor(t, "the recording to start", func() bool { return sw.srv.Recordings.InProgress() == 1 })
	da.bye(t)
	db.waitBye(t)
}
