package phone

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/tests/browser"
	"github.com/hookswitch/hookswitch/tests/e2e"
)

const (
	ftPagePassword    = "Webphone1234f"
	ftBaresipPassword = "Baresip1234f"
)

// ftIncoming is baresip ringing with a call it has not answered.
var ftIncoming = regexp.MustCompile(`(?i)incoming call from`)

// TestWebPhoneFeaturesWithBaresip runs the web phone's protocol features
// against the real switch and a real baresip phone: the BLF phone book
// shows 1002's state change live (idle, ringing, busy, idle) when the
// page calls it, and recording on demand (op 1013) during the call
// leaves a recording that holds the call's audio.
func TestWebPhoneFeaturesWithBaresip(t *testing.T) {
	t.Parallel()
	w := newBCWorld(t, map[string]string{"1001": ftPagePassword, "1002": ftBaresipPassword}, false)
	sw := w.sw
	// No auto-answer: the test answers, so the lamp can be seen ringing.
	b := w.baresip("1002", ftBaresipPassword, false, bcBaresipTone, "32000-32999")
	u := w.drive()

	u.Open("/phone/")
	u.Wait("html[data-ready]")
	w.login(u, "1001", ftPagePassword)

	// The phone book watches 1002 (op 1014); the switch's first 9012 says
	// idle.
	u.Fill("#book-number", "1002")
	u.Fill("#book-name", "Baresip")
	u.Click("#book-add button")
	lamp := func(state string) string { return `#book li[data-ext="1002"] .blf[data-state="` + state + `"]` }
	u.Wait(lamp("idle"))

	// The page calls 1002: the lamp rings, then shows busy once baresip
	// answers.
	u.Eval("HookswitchPhone.dial('1002').then(() => true)", nil)
	if err := b.WaitOutput(ftIncoming, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	u.Wait(lamp("ringing"))
	b.Command(t, "/accept")
	if err := b.WaitOutput(browser.BaresipEstablished, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	u.WaitText("#call-state", "Connected")
	u.Wait(lamp("busy"))
	first := stats(u, "s && s.connectionState === 'connected' && s.packetsReceived > 0")

	// Record on demand for a few seconds of talk.
	var rec bool
	u.Eval("HookswitchPhone.record(true).then(() => HookswitchPhone.state().calls[0].recording)", &rec)
	if !rec {
		t.Error("the page does not show the call as recording")
	}
	from := recorded(t, b)
	waitRecorded(t, b, from+bcTalk)
	stats(u, fmt.Sprintf("s && s.packetsReceived > %d", first.PacketsReceived))
	u.Eval("HookswitchPhone.record(false).then(() => HookswitchPhone.state().calls[0].recording)", &rec)
	if rec {
		t.Error("the page still shows the call as recording")
	}

	// Hang up: the lamp goes out.
	u.Eval("HookswitchPhone.hangup().then(() => true)", nil)
	u.WaitHidden("#call")
	if err := b.WaitOutput(browser.BaresipTerminated, 10*time.Second); err != nil {
		t.Error(err)
	}
	u.Wait(lamp("idle"))
	var ph phoneState
	u.Eval("HookswitchPhone.state()", &ph)
	if len(ph.History) == 0 || ph.History[0].Dir != "out" || ph.History[0].Number != "1002" || ph.History[0].Result != "answered" {
		t.Errorf("history after the call: %+v, want out 1002 answered first", ph.History)
	}
	u.End()
	w.stop(b)
	checkOnDemandRecording(t, sw)
}

// checkOnDemandRecording asserts the switch kept exactly one recording,
// of 1001's call to 1002, whose audio is the call's: dual track, one
// channel the page's tone and the other baresip's, each most of its
// length.
func checkOnDemandRecording(t *testing.T, sw *browser.Switch) {
	t.Helper()
	list := sw.Admin(t, "recording", "list")
	t.Logf("recordings:\n%s", list)
	var ids []string
	for _, line := range strings.Split(list, "\n")[1:] {
		f := strings.Fields(line)
		if len(f) >= 4 && f[2] == "1001" && f[3] == "1002" {
			ids = append(ids, f[0])
		}
	}
	if len(ids) != 1 {
		t.Fatalf("want exactly 1 recording of 1001 calling 1002, found %d", len(ids))
	}
	wav := filepath.Join(t.TempDir(), "rec.wav")
	sw.Admin(t, "recording", "export", ids[0], "-o", wav)
	rate, channels, err := readPCM16(wav)
	if err != nil {
		t.Fatal(err)
	}
	if len(channels) != 2 {
		t.Fatalf("the recording has %d channels, want 2 (one per party)", len(channels))
	}
	got := time.Duration(len(channels[0])) * time.Second / time.Duration(rate)
	if got < bcTalk/2 || got > bcTalk*10 {
		t.Errorf("the recording lasts %v; record was on for about %v", got, bcTalk)
	}
	var tones []float64
	for i, ch := range channels {
		dom, _ := e2e.DominantFrequency(ch, rate, 300, 3400, 10)
		active := e2e.ActiveDuration(ch, rate, -40)
		t.Logf("recording %s channel %d: %v at %d Hz, dominant %.0f Hz, %v non-silent", ids[0], i, got, rate, dom, active)
		if active < got/2 {
			t.Errorf("channel %d has only %v of sound in %v", i, active, got)
		}
		tones = append(tones, dom)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 20 }
	if !(near(tones[0], bcPageTone) && near(tones[1], bcBaresipTone)) && !(near(tones[0], bcBaresipTone) && near(tones[1], bcPageTone)) {
		t.Errorf("the channels' tones are %.0f and %.0f Hz, want the page's %.0f Hz and baresip's %.0f Hz", tones[0], tones[1], bcPageTone, bcBaresipTone)
	}
}

// readPCM16 reads a 16-bit PCM WAV file of any channel count (the switch
// records dual track; e2e.ReadWAVFile takes mono only) into one slice per
// channel.
func readPCM16(path string) (rate int, channels [][]int16, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, nil, err
	}
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return 0, nil, fmt.Errorf("%s: not a WAV file", path)
	}
	n := 0
	for p := 12; p+8 <= len(b); {
		id, size := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:p+8]))
		body := b[p+8:]
		if size > len(body) {
			size = len(body)
		}
		body = body[:size]
		switch id {
		case "fmt ":
			if size < 16 || binary.LittleEndian.Uint16(body[0:2]) != 1 || binary.LittleEndian.Uint16(body[14:16]) != 16 {
				return 0, nil, fmt.Errorf("%s: not 16-bit PCM", path)
			}
			n = int(binary.LittleEndian.Uint16(body[2:4]))
			rate = int(binary.LittleEndian.Uint32(body[4:8]))
		case "data":
			if n < 1 || rate < 1 {
				return 0, nil, fmt.Errorf("%s: data before a usable fmt chunk", path)
			}
			channels = make([][]int16, n)
			for i := 0; i+2*n <= len(body); i += 2 * n {
				for c := range n {
					channels[c] = append(channels[c], int16(binary.LittleEndian.Uint16(body[i+2*c:])))
				}
			}
			return rate, channels, nil
		}
		p += 8 + size + size%2
	}
	return 0, nil, fmt.Errorf("%s: no data chunk", path)
}
