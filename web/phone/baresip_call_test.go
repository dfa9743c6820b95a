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
	"testing/fstest"
	"time"

	"github.com/hookswitch/hookswitch/tests/browser"
	"github.com/hookswitch/hookswitch/tests/e2e"
)

const (
	bcPagePassword    = "Webphone1234x"
	bcBaresipPassword = "Baresip1234y"
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

// bcStats is what HookswitchPhone.stats() reports.
type bcStats struct {
	ConnectionState string `json:"connectionState"`
	PacketsReceived int    `json:"packetsReceived"`
	PacketsSent     int    `json:"packetsSent"`
	Codec           string `json:"codec"`
}

// TestWebPhoneAnswersBaresip is issue 8's test (2): the built-in web phone,
// served by the real switch at /phone/ and speaking the web-call-protocol
// at /wcp, receives a call from a real baresip phone, answers it, sends
// DTMF that baresip receives, holds (baresip hears the music on hold) and
// resumes, and hangs up; the CDR shows the answered call. Audio both ways:
// baresip's recording holds the browser's fake-microphone tone, and the
// page's inbound RTP grows.
func TestWebPhoneAnswersBaresip(t *testing.T) {
	t.Parallel()
	env := browser.Require(t)
	bin := browser.RequireBaresip(t)

	dir := t.TempDir()
	pageWAV := filepath.Join(dir, "page-tone.wav")
	baresipWAV := filepath.Join(dir, "baresip-tone.wav")
	// Chromium resamples the file to its capture rate; baresip's aufile
	// wants its own rate (8 kHz).
	must(t, e2e.WriteWAVFile(pageWAV, 48000, e2e.Tone(48000, bcPageTone, 120*time.Second, 0.5)))
	must(t, e2e.WriteWAVFile(baresipWAV, 8000, e2e.Tone(8000, bcBaresipTone, 120*time.Second, 0.5)))
	env, err := env.WithFlags(t, "--use-file-for-fake-audio-capture="+pageWAV)
	must(t, err)

	sw := browser.BuildSwitch(t, env)
	sw.Admin(t, "ext", "add", "1001", "--password", bcPagePassword)
	sw.Admin(t, "ext", "add", "1002", "--password", bcBaresipPassword)
	sw.Admin(t, "cert", "generate", "--host", "127.0.0.1,localhost")
	// The data dir's moh/default replaces the shipped music with a tone the
	// recording can be searched for.
	mohDir := filepath.Join(sw.Data, "moh", "default")
	must(t, os.MkdirAll(mohDir, 0o755))
	must(t, e2e.WriteWAVFile(filepath.Join(mohDir, "tone.wav"), 8000, e2e.Tone(8000, bcMOHTone, 20*time.Second, 0.5)))
	sw.Serve(t)

	domain := "127.0.0.1:" + strconv.Itoa(sw.SIPUDP)
	b := browser.StartBaresip(t, bin, "baresip-1002",
		fmt.Sprintf("<sip:1002@%s;transport=udp>;auth_pass=%s;regint=300;audio_codecs=pcmu,pcma", domain, bcBaresipPassword),
		baresipWAV, "32000-32999")
	if err := b.WaitOutput(browser.BaresipRegistered, 10*time.Second); err != nil {
		t.Fatalf("baresip registration: %v", err)
	}

	// The driver's control endpoint is a test server; the page itself
	// comes from the switch.
	ctl := env.Serve(t, fstest.MapFS{})
	d := newDriver(t)
	ctl.Mux.Handle("/ctl/", d)
	scenario, err := filepath.Abs("testdata/drive.mjs")
	must(t, err)
	origin := "https://127.0.0.1:" + strconv.Itoa(sw.HTTPS)
	s, err := env.Start(t, browser.Options{
		Scenario: scenario,
		URL:      origin,
		Params:   map[string]string{"control": ctl.URL + "/ctl"},
		Timeout:  3 * time.Minute,
	})
	must(t, err)
	go func() {
		s.Wait()
		close(d.ended)
	}()
	u := &ui{t: t, d: d}

	// Log in through the page's API, against the page's default server:
	// the switch's own /wcp.
	u.open("/phone/")
	u.wait("html[data-ready]")
	var server string
	u.eval("document.getElementById('login-server').value", &server)
	if want := "wss://127.0.0.1:" + strconv.Itoa(sw.HTTPS) + "/wcp"; server != want {
		t.Errorf("default server %q, want %q", server, want)
	}
	var registered bool
	u.eval(fmt.Sprintf("HookswitchPhone.login({ext: '1001', password: %q}).then(() => HookswitchPhone.state().registered)", bcPagePassword), &registered)
	if !registered {
		t.Fatal("the page is not registered after login")
	}
	u.waitText("#status", "Registered as 1001")

	// baresip calls; the page rings and answers from its banner.
	b.Command(t, "/dial sip:1001@"+domain)
	u.wait("#incoming")
	if from := u.text("#incoming-from"); !strings.Contains(from, "1002") {
		t.Errorf("the incoming banner shows %q, want the caller 1002", from)
	}
	u.click("#answer")
	u.waitText("#call-state", "Connected")
	u.waitHidden("#incoming")
	if err := b.WaitOutput(browser.BaresipEstablished, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	first := u.stats("s && s.connectionState === 'connected' && s.packetsReceived > 0")
	t.Logf("page stats after answer: %+v", first)
	if c := strings.ToLower(first.Codec); c != "audio/pcmu" && c != "audio/pcma" {
		t.Errorf("codec = %q, want G.711", first.Codec)
	}

	// Talk, then DTMF.
	talkFrom := recorded(t, b)
	waitRecorded(t, b, talkFrom+bcTalk)
	talkTo := recorded(t, b)
	grown := u.stats(fmt.Sprintf("s && s.packetsReceived > %d", first.PacketsReceived))
	if grown.PacketsSent <= 0 {
		t.Errorf("the page sent no RTP: %+v", grown)
	}
	u.eval("HookswitchPhone.dtmf('5').then(() => true)", nil)
	u.waitText("#dtmf-sent", "5")
	if err := b.WaitOutput(browser.BaresipDTMF, 10*time.Second); err != nil {
		t.Errorf("baresip did not report the page's DTMF: %v", err)
	} else if m := browser.BaresipDTMF.FindAllStringSubmatch(b.Output(), -1); len(m) != 1 || m[0][1] != "5" {
		t.Errorf("baresip received DTMF %q, want exactly one '5'", m)
	}

	// Hold: the page shows it, baresip hears the music.
	var st string
	u.eval("HookswitchPhone.hold(true).then(() => HookswitchPhone.state().calls[0].state)", &st)
	if st != "held" {
		t.Errorf("after hold the call is %q, want held", st)
	}
	u.waitText("#call-state", "On hold")
	holdFrom := recorded(t, b)
	waitRecorded(t, b, holdFrom+bcTalk)
	holdTo := recorded(t, b)

	// Resume: connected again, the page's tone back at baresip, RTP to
	// the page again.
	u.eval("HookswitchPhone.hold(false).then(() => HookswitchPhone.state().calls[0].state)", &st)
	if st != "connected" {
		t.Errorf("after resume the call is %q, want connected", st)
	}
	u.waitText("#call-state", "Connected")
	resumeFrom := recorded(t, b)
	before := u.stats("s")
	waitRecorded(t, b, resumeFrom+bcTalk)
	resumeTo := recorded(t, b)
	after := u.stats(fmt.Sprintf("s && s.packetsReceived > %d", before.PacketsReceived))
	t.Logf("page stats: resumed %+v, later %+v", before, after)

	// Hang up from the page.
	u.eval("HookswitchPhone.hangup().then(() => true)", nil)
	u.waitHidden("#call")
	if err := b.WaitOutput(browser.BaresipTerminated, 10*time.Second); err != nil {
		t.Error(err)
	}
	var ph phoneState
	u.eval("HookswitchPhone.state()", &ph)
	if len(ph.History) == 0 || ph.History[0].Dir != "in" || ph.History[0].Number != "1002" || ph.History[0].Result != "answered" {
		t.Errorf("history after the call: %+v, want in 1002 answered first", ph.History)
	}
	bcEnd(t, u, s)

	browser.CheckBaresipRTPFromSwitch(t, b)
	if !b.Stop(syscall.SIGTERM, 5*time.Second) {
		t.Logf("baresip needed SIGKILL")
	}
	checkStretches(t, b, []bcStretch{
		{"talking", talkFrom, talkTo, bcPageTone},
		{"held", holdFrom, holdTo, bcMOHTone},
		{"resumed", resumeFrom, resumeTo, bcPageTone},
	})

	if !sw.Proc.Stop(syscall.SIGTERM, 10*time.Second) {
		t.Errorf("switch did not stop within 10s of SIGTERM")
	}
	checkAnsweredCDR(t, sw.CDRs(t))
}

// stats polls HookswitchPhone.stats() until cond (an expression of s)
// holds, and returns them.
func (u *ui) stats(cond string) bcStats {
	u.t.Helper()
	var raw json.RawMessage
	u.until("HookswitchPhone.stats().then(s => ("+cond+") ? JSON.stringify(s) : false)", &raw)
	var js string
	u.decode(raw, &js)
	var st bcStats
	u.decode(json.RawMessage(js), &st)
	return st
}

// bcEnd finishes the scenario: the run succeeded and the page logged no
// error. Chromium's own request for /favicon.ico is left out: the page
// names no icon and the switch has none, so it is a 404 no page code made.
func bcEnd(t *testing.T, u *ui, s *browser.Session) {
	t.Helper()
	select {
	case u.d.steps <- step{"op": "end"}:
	case <-u.d.ended:
	}
	r := s.Wait()
	if !r.OK {
		t.Fatalf("browser run: %v", r.Err)
	}
	for _, ev := range r.Of(browser.EventConsole) {
		if ev.Level == "error" && !strings.HasSuffix(ev.URL, "/favicon.ico") {
			t.Errorf("console error: %s (%s:%d)", ev.Text, ev.URL, ev.Line)
		}
	}
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

// checkAnsweredCDR asserts exactly one CDR shows 1002's answered call to
// 1001, hung up by the page (the callee).
func checkAnsweredCDR(t *testing.T, recs []map[string]any) {
	t.Helper()
	all, _ := json.MarshalIndent(recs, "", "  ")
	t.Logf("CDRs: %s", all)
	var found []map[string]any
	for _, r := range recs {
		if strings.Contains(fmt.Sprint(r["caller"]), "1002") && strings.Contains(fmt.Sprint(r["callee"]), "1001") {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want exactly 1 CDR for 1002 -> 1001, found %d", len(found))
	}
	r := found[0]
	if st := fmt.Sprint(r["call_status"]); st != "answered" {
		t.Errorf("call_status = %q, want answered", st)
	}
	if er := fmt.Sprint(r["ended_reason"]); er != "callee_hangup" {
		t.Errorf("ended_reason = %q, want callee_hangup (the page hung up)", er)
	}
	// The call was up for the three stretches at least.
	if talk, ok := r["talk_duration"].(float64); !ok || talk < (3*bcTalk).Seconds() {
		t.Errorf("talk_duration = %v, want at least %v s", r["talk_duration"], (3 * bcTalk).Seconds())
	}
}
