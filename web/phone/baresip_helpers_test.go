package phone

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/tests/browser"
	"github.com/hookswitch/hookswitch/tests/e2e"
)

// What the web phone's tests against the real switch and real baresip
// phones share: the switch, the phones, the tones everyone sends, the
// page's call statistics and the checks of what a baresip recorded.

const (
	// Three tones far apart, none a harmonic of another, so each stretch of
	// baresip's recording tells whose audio it is.
	bcPageTone    = 1000.0 // Chromium's fake microphone
	bcBaresipTone = 440.0  // baresip's aufile source
	bcMOHTone     = 1700.0 // the switch's music on hold (a class we install)
	// bcTalk is how much audio baresip records in each stretch (talk,
	// held, resumed) before the page moves on.
	bcTalk = 3 * time.Second
	// bcMargin is cut off both ends of a stretch before it is analysed:
	// the switch and the jitter buffer take a moment to change streams.
	bcMargin = 700 * time.Millisecond
	// bcMinSNR is how far (dB) a stretch's expected tone must stand above
	// the others.
	bcMinSNR = 15.0
)

// bcWorld is one such test's world: Chromium with the page's tone as its
// microphone, a real switch serving the web phone over HTTPS, and the
// baresips started on it.
type bcWorld struct {
	t      *testing.T
	env    browser.Env
	bin    string // baresip
	dir    string
	sw     *browser.Switch
	domain string // the switch's SIP address, host:port
}

// newBCWorld builds the switch with the extensions exts (number to
// password) and a certificate, with a tone as the music on hold if moh,
// and serves it with serveArgs.
func newBCWorld(t *testing.T, exts map[string]string, moh bool, serveArgs ...string) *bcWorld {
	t.Helper()
	env := browser.Require(t)
	w := &bcWorld{t: t, bin: browser.RequireBaresip(t), dir: t.TempDir()}
	// Chromium resamples the file to its capture rate.
	pageWAV := filepath.Join(w.dir, "page-tone.wav")
	must(t, e2e.WriteWAVFile(pageWAV, 48000, e2e.Tone(48000, bcPageTone, 120*time.Second, 0.5)))
	env, err := env.WithFlags(t, "--use-file-for-fake-audio-capture="+pageWAV)
	must(t, err)
	w.env = env

	w.sw = browser.BuildSwitch(t, env)
	for ext, pw := range exts {
		w.sw.Admin(t, "ext", "add", ext, "--password", pw)
	}
	w.sw.Admin(t, "cert", "generate", "--host", "127.0.0.1,localhost")
	if moh {
		// The data dir's moh/default replaces the shipped music with a tone
		// a recording can be searched for.
		mohDir := filepath.Join(w.sw.Data, "moh", "default")
		must(t, os.MkdirAll(mohDir, 0o755))
		must(t, e2e.WriteWAVFile(filepath.Join(mohDir, "tone.wav"), 8000, e2e.Tone(8000, bcMOHTone, 20*time.Second, 0.5)))
	}
	w.sw.Serve(t, serveArgs...)
	w.domain = "127.0.0.1:" + strconv.Itoa(w.sw.SIPUDP)
	return w
}

// baresip starts a baresip registered as ext, sending a tone of hz (its
// aufile source wants its own rate, 8 kHz), answering by itself if
// autoAnswer, with RTP on ports; it waits for the registration.
func (w *bcWorld) baresip(ext, password string, autoAnswer bool, hz float64, ports string) *browser.Baresip {
	w.t.Helper()
	name := "baresip-" + ext
	wav := filepath.Join(w.dir, name+"-tone.wav")
	must(w.t, e2e.WriteWAVFile(wav, 8000, e2e.Tone(8000, hz, 120*time.Second, 0.5)))
	account := fmt.Sprintf("<sip:%s@%s;transport=udp>;auth_pass=%s;regint=300;audio_codecs=pcmu,pcma", ext, w.domain, password)
	if autoAnswer {
		account += ";answermode=auto"
	}
	b := browser.StartBaresip(w.t, w.bin, name, account, wav, ports)
	if err := b.WaitOutput(browser.BaresipRegistered, 10*time.Second); err != nil {
		w.t.Fatalf("%s registration: %v", b.Name, err)
	}
	return b
}

// drive starts the browser on the switch's own pages (the driver's
// control endpoint is a test server). Chromium's own request for
// /favicon.ico may fail: the page names no icon and the switch has none,
// so it is a 404 no page code made.
func (w *bcWorld) drive() *browser.UI {
	w.t.Helper()
	return w.env.Drive(w.t, browser.DriveOptions{
		URL:           "https://127.0.0.1:" + strconv.Itoa(w.sw.HTTPS),
		IgnoreConsole: func(ev browser.Event) bool { return strings.HasSuffix(ev.URL, "/favicon.ico") },
	})
}

// login signs the open web phone in as ext through its API, against its
// default server: the switch's own /wcp.
func (w *bcWorld) login(u *browser.UI, ext, password string) {
	w.t.Helper()
	var registered bool
	u.Eval(fmt.Sprintf("HookswitchPhone.login({ext: %q, password: %q}).then(() => HookswitchPhone.state().registered)", ext, password), &registered)
	if !registered {
		w.t.Fatal("the page is not registered after login")
	}
	u.WaitText("#status", "Registered as "+ext)
}

// stop stops the baresips, then the switch (which writes its CDRs).
func (w *bcWorld) stop(bs ...*browser.Baresip) {
	w.t.Helper()
	stopBaresips(w.t, bs...)
	if !w.sw.Proc.Stop(syscall.SIGTERM, 10*time.Second) {
		w.t.Errorf("switch did not stop within 10s of SIGTERM")
	}
}

func stopBaresips(t *testing.T, bs ...*browser.Baresip) {
	t.Helper()
	for _, b := range bs {
		if !b.Stop(syscall.SIGTERM, 5*time.Second) {
			t.Logf("%s needed SIGKILL", b.Name)
		}
	}
}

// bcStats is what HookswitchPhone.stats() reports.
type bcStats struct {
	ConnectionState string `json:"connectionState"`
	PacketsReceived int    `json:"packetsReceived"`
	PacketsSent     int    `json:"packetsSent"`
	Codec           string `json:"codec"`
}

// pollStats polls src, a JavaScript expression whose promise gives a
// call's media stats s, until cond (an expression of s) holds, and
// returns them.
func pollStats(u *browser.UI, src, cond string) bcStats {
	var js string
	u.Until(src+".then(s => ("+cond+") ? JSON.stringify(s) : false)", &js)
	var st bcStats
	u.Decode(json.RawMessage(js), &st)
	return st
}

// stats polls the web phone's current call; secondStats its transfer's
// second call (HookswitchPhone.secondStats()).
func stats(u *browser.UI, cond string) bcStats { return pollStats(u, "HookswitchPhone.stats()", cond) }
func secondStats(u *browser.UI, cond string) bcStats {
	return pollStats(u, "HookswitchPhone.secondStats()", cond)
}

// recorded returns how much b has recorded of what it heard so
// far, from the size of sndfile's decode file (8 kHz 16-bit mono; the
// header is a few dozen bytes, the same for every reading).
func recorded(t *testing.T, b *browser.Baresip) time.Duration {
	t.Helper()
	path, err := b.Heard()
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("%s: %v", b.Name, err)
	}
	return time.Duration(fi.Size()/2) * time.Second / 8000
}

// waitRecorded waits until b has recorded up to at, so each stretch
// holds a known amount of audio, however fast the machine.
func waitRecorded(t *testing.T, b *browser.Baresip, at time.Duration) {
	t.Helper()
	deadline := time.Now().Add(at + 20*time.Second)
	for recorded(t, b) < at {
		if b.Exited() {
			t.Fatalf("%s exited while recording", b.Name)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s recorded %v, waited for %v", b.Name, recorded(t, b), at)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// bcStretch is a part of baresip's recording and the tone it must hold.
type bcStretch struct {
	name     string
	from, to time.Duration // as recorded() read them
	tone     float64
}

// checkStretches asserts that each stretch of baresip's recording is
// mostly its tone: the page's while talking, the music while held.
func checkStretches(t *testing.T, b *browser.Baresip, stretches []bcStretch) {
	t.Helper()
	path, err := b.Heard()
	if err != nil {
		t.Error(err)
		return
	}
	rate, samples, err := e2e.ReadWAVFile(path)
	if err != nil {
		t.Error(err)
		return
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Error(err)
		return
	}
	// recorded() counted the header as audio; take it off again.
	header := time.Duration((fi.Size()-int64(2*len(samples)))/2) * time.Second / 8000
	tones := []float64{bcPageTone, bcBaresipTone, bcMOHTone}
	for _, s := range stretches {
		lo := int(int64(s.from-header+bcMargin) * int64(rate) / int64(time.Second))
		hi := int(int64(s.to-header-bcMargin) * int64(rate) / int64(time.Second))
		if lo < 0 || hi > len(samples) || hi-lo < rate {
			t.Errorf("%s: stretch %v-%v (samples %d-%d) is not inside the %d-sample recording", s.name, s.from, s.to, lo, hi, len(samples))
			continue
		}
		part := samples[lo:hi]
		want := e2e.TonePower(part, rate, s.tone)
		var other, otherHz float64
		for _, f := range tones {
			if p := e2e.TonePower(part, rate, f); f != s.tone && p > other {
				other, otherHz = p, f
			}
		}
		snr := 10 * math.Log10(want/math.Max(other, 1e-12))
		dom, _ := e2e.DominantFrequency(part, rate, 300, 3400, 10)
		active := e2e.ActiveDuration(part, rate, -40)
		t.Logf("baresip heard while %s (%v-%v): dominant %.0f Hz, %.0f Hz %.1f dB above %.0f Hz, %v non-silent", s.name, s.from, s.to, dom, s.tone, snr, otherHz, active)
		if math.Abs(dom-s.tone) > 20 {
			t.Errorf("while %s baresip heard %.0f Hz most, want %.0f Hz", s.name, dom, s.tone)
		}
		if snr < bcMinSNR {
			t.Errorf("while %s, %.0f Hz is only %.1f dB above %.0f Hz, want %.0f dB", s.name, s.tone, snr, otherHz, bcMinSNR)
		}
		if d := time.Duration(len(part)) * time.Second / time.Duration(rate); active < d/2 {
			t.Errorf("while %s baresip recorded only %v of non-silent audio in %v", s.name, active, d)
		}
	}
}
