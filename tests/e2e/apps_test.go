package e2e

import (
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/tests/browser"
)

// The default PBX applications (scripts/apps.lua) with real baresip
// peers: the auto attendant on 5000, voicemail with MWI, conference room
// 8000. tests/integration/apps_test.go checks the same with a synthetic
// phone; these prove that a real phone's DTMF, SUBSCRIBE and media work.
//
// What a baresip heard is polled from its sndfile recording while the
// call runs, so the tests wait for audio events (the beep, the other
// party's tone) instead of sleeping for fixed prompt lengths. The
// recording grows only while RTP arrives, so its offsets are media time.

const password1003 = "Secret1234z"

var passwords = map[string]string{"1001": password1001, "1002": password1002, "1003": password1003}

const (
	// minHeardTone is the least of the other party's tone a two-party
	// recording must hold, maxOwnTone the most of its own (an echo, a loop).
	minHeardTone = 2500 * time.Millisecond
	maxOwnTone   = 250 * time.Millisecond
	// beepRun is how much 1 kHz makes the voicemail beep (it lasts 250 ms).
	beepRun = 150 * time.Millisecond
	// minGreeting is the least speech before the beep ("The person at
	// extension 1 0 0 2 is unavailable..." lasts about 10 s with pauses).
	minGreeting = 5 * time.Second
	// messageTalk is how long 1001 speaks after the beep.
	messageTalk = 3500 * time.Millisecond
)

// TestBaresipIVR: 1001 calls the attendant, presses 2 during the
// greeting (a DTMF digit typed into baresip), is put through to 1002, and
// both hear each other.
func TestBaresipIVR(t *testing.T) {
	r := startAppsRig(t, "1001", "1002")
	wav1001, wav1002 := writeTones(t)
	b := r.phone(t, "1002", wav1002, "33100-33199", ";answermode=auto")
	a := r.phone(t, "1001", wav1001, "33000-33099", "")

	a.Command(t, "/dial sip:5000@"+r.domain)
	if err := a.WaitOutput(browser.BaresipEstablished, 15*time.Second); err != nil {
		t.Fatalf("the attendant did not answer: %v", err)
	}
	waitRecorded(t, a, 2*time.Second, 15*time.Second) // into the greeting
	a.Key(t, '2')
	if err := b.WaitOutput(browser.BaresipEstablished, 20*time.Second); err != nil {
		t.Fatalf("1002 not reached after key 2: %v", err)
	}
	through := waitHeard(t, a, tone1002, time.Second, 15*time.Second)
	waitHeard(t, b, tone1001, time.Second, 15*time.Second)
	time.Sleep(3 * time.Second)
	hangUp(t, a)
	if err := b.WaitOutput(browser.BaresipTerminated, 10*time.Second); err != nil {
		t.Error(err)
	}
	stopUA(a)
	stopUA(b)
	switchErrors(t, r)

	heardA, heardB := recording(t, a), recording(t, b)
	greeting := speechTime(heardA[:through], nil)
	t.Logf("1001: %v recorded, %v of prompts before 1002's tone at %v; %v of 1002's tone, %v of its own",
		samplesDur(len(heardA)), greeting, samplesDur(through), toneTime(heardA, tone1002), toneTime(heardA, tone1001))
	t.Logf("1002: %v recorded; %v of 1001's tone, %v of its own",
		samplesDur(len(heardB)), toneTime(heardB, tone1001), toneTime(heardB, tone1002))
	if greeting < 1500*time.Millisecond {
		t.Errorf("1001 heard only %v of prompts before being put through, want at least 1.5s", greeting)
	}
	checkRFC4733(t, a, '2')
	checkTones(t, "1001", heardA, tone1002, tone1001)
	checkTones(t, "1002", heardB, tone1001, tone1002)
}

// TestBaresipVoicemail: 1001 calls 1002, which is not registered, and
// leaves a message of its tone after the beep; 1002 then registers, gets
// the MWI NOTIFY, calls *61, presses 1 and must hear the tone. The
// stopped switch's CLI must list the message, and its audio must be the
// tone.
func TestBaresipVoicemail(t *testing.T) {
	r := startAppsRig(t, "1001", "1002")
	wav1001, wav1002 := writeTones(t)
	a := r.phone(t, "1001", wav1001, "33200-33299", "")

	a.Command(t, "/dial sip:1002@"+r.domain)
	if err := a.WaitOutput(browser.BaresipEstablished, 15*time.Second); err != nil {
		t.Fatalf("voicemail did not answer: %v", err)
	}
	beep := waitHeard(t, a, 1000, beepRun, 40*time.Second)
	time.Sleep(messageTalk) // the message: 1001's tone
	hangUp(t, a)
	stopUA(a)
	greeting := speechTime(recording(t, a)[:beep], nil)
	t.Logf("1001: the beep at %v, after %v of greeting", samplesDur(beep), greeting)
	if greeting < minGreeting {
		t.Errorf("1001 heard %v of greeting before the beep, want at least %v", greeting, minGreeting)
	}

	b := r.mwiPhone(t, "1002", wav1002, "33300-33399")
	if err := b.WaitOutput(reMWINotify, 15*time.Second); err != nil {
		t.Fatalf("no MWI NOTIFY reported by baresip's mwi module: %v", err)
	}
	checkMWI(t, b.Output())

	// *61: the counts, then the main menu; 1 (typed ahead) plays the new
	// message.
	b.Command(t, "/dial sip:*61@"+r.domain)
	if err := b.WaitOutput(browser.BaresipEstablished, 15*time.Second); err != nil {
		t.Fatalf("*61 did not answer: %v", err)
	}
	waitRecorded(t, b, 3*time.Second, 15*time.Second)
	b.Key(t, '1')
	at := waitHeard(t, b, tone1001, time.Second, 40*time.Second)
	time.Sleep(3 * time.Second) // the rest of the message
	hangUp(t, b)
	stopUA(b)
	heardB := recording(t, b)
	t.Logf("1002: %v recorded, the message from %v; %v of 1001's tone, %v of its own",
		samplesDur(len(heardB)), samplesDur(at), toneTime(heardB, tone1001), toneTime(heardB, tone1002))
	checkRFC4733(t, b, '1')
	checkTones(t, "1002 (listening to the message)", heardB, tone1001, tone1002)

	if !r.srv.Stop(syscall.SIGTERM, 10*time.Second) {
		t.Errorf("switch did not stop within 10s of SIGTERM")
	}
	switchErrors(t, r)
	id := checkVoicemailList(t, r.sw, "1002", "1001")
	checkStoredMessage(t, r.sw, "1002", id, tone1001)
}

// Conference tones: no sum or difference of two (nor 2f1-f2) falls
// within 50 Hz of the third, so mixing and G.711 distortion cannot fake
// a tone. Amplitude 0.3 keeps the sum of two far from clipping.
var confTones = map[string]float64{"1001": 440, "1002": 1000, "1003": 1650}

const (
	confAmplitude = 0.3
	// minConfTone is the least power of another member's tone in a
	// recording: its amplitude squared, 10 dB down for slack.
	minConfTone = confAmplitude * confAmplitude / 10
	// minOwnRejection is how far (dB) a member's own tone must stay below
	// the weaker of the others' (the N-1 mix leaves it out entirely; G.711
	// and mixing distortion sit near -36 dB, and not at that frequency).
	minOwnRejection = 30.0
	confTalk        = 4 * time.Second
	// The join prompts last 1.9 s, plus 2.2 s for the first member ("only
	// person"); less their pauses.
	minJoinPrompts  = time.Second
	minFirstPrompts = 2500 * time.Millisecond
)

// TestBaresipConference: three baresips call room 8000, each with its
// own tone; after the join prompts each must hear the other two tones and
// not its own.
func TestBaresipConference(t *testing.T) {
	exts := []string{"1001", "1002", "1003"}
	r := startAppsRig(t, exts...)
	ports := map[string]string{"1001": "33400-33499", "1002": "33500-33599", "1003": "33600-33699"}
	phones := map[string]*browser.Baresip{}
	for _, e := range exts {
		phones[e] = r.phone(t, e, toneWAVFile(t, confTones[e], confAmplitude), ports[e], "")
	}
	for _, e := range exts {
		phones[e].Command(t, "/dial sip:8000@"+r.domain)
		if err := phones[e].WaitOutput(browser.BaresipEstablished, 15*time.Second); err != nil {
			t.Fatalf("room 8000 did not answer %s: %v", e, err)
		}
	}
	// Once every member hears both others, the prompts are over: talk.
	marks := map[string]int{}
	for _, e := range exts {
		marks[e] = waitMix(t, phones[e], othersTones(e), 30*time.Second)
	}
	time.Sleep(confTalk)
	for _, e := range exts {
		hangUp(t, phones[e])
	}
	for _, e := range exts {
		stopUA(phones[e])
	}
	switchErrors(t, r)

	for i, e := range exts {
		heard := recording(t, phones[e])
		mark := min(marks[e], len(heard))
		prompts := speechTime(heard[:mark], othersTones(e))
		want := minJoinPrompts
		if i == 0 {
			want = minFirstPrompts
		}
		t.Logf("%s: %v of prompts before the mix", e, prompts)
		if prompts < want {
			t.Errorf("%s heard %v of prompts before the mix, want at least %v", e, prompts, want)
		}
		// The last 200 ms may hold the hang-up.
		talk := heard[mark:]
		talk = talk[:max(0, len(talk)-framesLen(sampleRate, 200*time.Millisecond))]
		checkMix(t, e, talk)
	}
}

// appsRig is a running switch with the default scripts and extensions.
type appsRig struct {
	baresip string
	sw      *browser.Switch
	srv     *browser.Proc
	domain  string
}

func startAppsRig(t *testing.T, exts ...string) *appsRig {
	t.Helper()
	bin := requireBaresip(t)
	sw := buildSwitch(t)
	for _, e := range exts {
		sw.Admin(t, "ext", "add", e, "--password", passwords[e])
	}
	sw.Serve(t)
	return &appsRig{baresip: bin, sw: sw, srv: sw.Proc, domain: "127.0.0.1:" + strconv.Itoa(sw.SIPUDP)}
}

// phone starts a baresip for ext playing toneWAV, with extra account
// parameters, and waits for its registration.
func (r *appsRig) phone(t *testing.T, ext, toneWAV, rtpPorts, params string) *browser.Baresip {
	t.Helper()
	u := browser.StartBaresipConfig(t, r.baresip, browser.BaresipConfig{
		Name:     "baresip-" + ext,
		Account:  account(ext, r.domain, passwords[ext]) + params,
		ToneWAV:  toneWAV,
		RTPPorts: rtpPorts,
	})
	if err := u.WaitOutput(browser.BaresipRegistered, 15*time.Second); err != nil {
		t.Fatalf("%s registration: %v", ext, err)
	}
	return u
}

// mwiPhone starts a baresip for ext with the mwi module, which subscribes
// to message-summary for the account once it has registered.
//
// baresip 1.0.0's mwi module has a race: a 1 ms timer started at module
// load re-subscribes every entry of its list, appending a new entry each
// time, so when registration completes before that timer fires it loops
// forever sending SUBSCRIBEs. The account is therefore added only once
// baresip is up (menu command /uanew), long after the timer fired.
func (r *appsRig) mwiPhone(t *testing.T, ext, toneWAV, rtpPorts string) *browser.Baresip {
	t.Helper()
	u := browser.StartBaresipConfig(t, r.baresip, browser.BaresipConfig{
		Name:     "baresip-" + ext,
		ToneWAV:  toneWAV,
		RTPPorts: rtpPorts,
		Modules:  []string{"mwi.so"},
	})
	u.Command(t, "/uanew "+account(ext, r.domain, passwords[ext])+";mwi=yes")
	if err := u.WaitOutput(browser.BaresipRegistered, 15*time.Second); err != nil {
		t.Fatalf("%s registration: %v", ext, err)
	}
	return u
}

// switchErrors logs the switch's ERROR lines: not what these tests check,
// but worth seeing.
func switchErrors(t *testing.T, r *appsRig) {
	t.Helper()
	for _, l := range strings.Split(r.srv.Output(), "\n") {
		if strings.Contains(l, "level=ERROR") {
			t.Logf("switch: %s", l)
		}
	}
}

// checkRFC4733 asserts that u sent digit in RTP (baresip logs "send DTMF
// digit" for telephone-event packets) and sent no SIP INFO.
func checkRFC4733(t *testing.T, u *browser.Baresip, digit byte) {
	t.Helper()
	out := u.Output()
	if !strings.Contains(out, fmt.Sprintf("send DTMF digit: '%c'", digit)) {
		t.Errorf("%s did not report sending DTMF %c in RTP (RFC 4733)", u.Name, digit)
	}
	if strings.Contains(out, "INFO sip:") {
		t.Errorf("%s sent a SIP INFO; keys should go as RFC 4733 (the switch offers telephone-event)", u.Name)
	}
}

// hangUp ends u's call.
func hangUp(t *testing.T, u *browser.Baresip) {
	t.Helper()
	u.Command(t, "/hangup")
	if err := u.WaitOutput(browser.BaresipTerminated, 10*time.Second); err != nil {
		t.Error(err)
	}
}

// stopUA stops u so that its recordings are complete.
func stopUA(u *browser.Baresip) {
	if !u.Stop(syscall.SIGTERM, 5*time.Second) {
		u.Note("(needed SIGKILL)")
	}
}

// toneWAVFile writes a 60 s microphone tone and returns its path.
func toneWAVFile(t *testing.T, freq, amplitude float64) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), fmt.Sprintf("tone-%.0f.wav", freq))
	if err := WriteWAVFile(path, sampleRate, Tone(sampleRate, freq, 60*time.Second, amplitude)); err != nil {
		t.Fatal(err)
	}
	return path
}

// readHeard reads what u heard so far: sndfile writes as it goes, and
// ReadWAV takes the data up to EOF while the header is still unpatched.
func readHeard(u *browser.Baresip) ([]int16, error) {
	path, err := u.Heard()
	if err != nil {
		return nil, err
	}
	rate, samples, err := ReadWAVFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", u.Name, err)
	}
	if rate != sampleRate {
		return nil, fmt.Errorf("%s: recording at %d Hz, want %d", u.Name, rate, sampleRate)
	}
	return samples, nil
}

// recording is readHeard that fails the test on an error.
func recording(t *testing.T, u *browser.Baresip) []int16 {
	t.Helper()
	s, err := readHeard(u)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// waitRecorded polls u's recording until it holds d of audio.
func waitRecorded(t *testing.T, u *browser.Baresip, d, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s, err := readHeard(u)
		if err == nil && len(s) >= framesLen(sampleRate, d) {
			return
		}
		if time.Now().After(deadline) || u.Exited() {
			t.Fatalf("%s: recording did not reach %v within %v (last error: %v)", u.Name, d, timeout, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitHeard polls u's recording until it holds run of freq, and returns
// the offset (samples) where that run starts.
func waitHeard(t *testing.T, u *browser.Baresip, freq float64, run, timeout time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s, err := readHeard(u)
		if err == nil {
			if at := toneStart(s, freq, run); at >= 0 {
				return at
			}
		}
		if time.Now().After(deadline) || u.Exited() {
			t.Fatalf("%s: no %v of %.0f Hz heard within %v (last error: %v)", u.Name, run, freq, timeout, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitMix polls u's recording until its last second holds every tone of
// freqs at minConfTone, and returns the recording's length then.
func waitMix(t *testing.T, u *browser.Baresip, freqs []float64, timeout time.Duration) int {
	t.Helper()
	second := framesLen(sampleRate, time.Second)
	deadline := time.Now().Add(timeout)
	for {
		s, err := readHeard(u)
		if err == nil && len(s) >= second {
			last := s[len(s)-second:]
			all := true
			for _, f := range freqs {
				all = all && TonePower(last, sampleRate, f) >= minConfTone
			}
			if all {
				return len(s)
			}
		}
		if time.Now().After(deadline) || u.Exited() {
			t.Fatalf("%s: did not hear %v Hz together within %v (last error: %v)", u.Name, freqs, timeout, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// frameMeanSquare is the mean square of frame relative to full scale; a
// sine of peak a gives a*a/2, half its TonePower.
func frameMeanSquare(frame []int16) float64 {
	var sum float64
	for _, s := range frame {
		sum += float64(s) * float64(s)
	}
	return sum / float64(len(frame)) / (math.MaxInt16 * math.MaxInt16)
}

// toneFrames tells, per 50 ms frame, whether freq carries more than half
// of the frame's power: a tone does; speech, music and silence do not.
func toneFrames(samples []int16, freq float64) []bool {
	n := framesLen(sampleRate, toneFrame)
	var out []bool
	for off := 0; off+n <= len(samples); off += n {
		frame := samples[off : off+n]
		ms := frameMeanSquare(frame)
		out = append(out, ms > 1e-6 && TonePower(frame, sampleRate, freq)/2 > ms/2)
	}
	return out
}

// toneTime is how long freq dominates samples.
func toneTime(samples []int16, freq float64) time.Duration {
	var d time.Duration
	for _, on := range toneFrames(samples, freq) {
		if on {
			d += toneFrame
		}
	}
	return d
}

// toneStart returns the offset (samples) of the first run of at least
// run of freq dominating, or -1.
func toneStart(samples []int16, freq float64, run time.Duration) int {
	need := max(1, int(run/toneFrame))
	count := 0
	for i, on := range toneFrames(samples, freq) {
		if !on {
			count = 0
			continue
		}
		if count++; count >= need {
			return (i + 1 - need) * framesLen(sampleRate, toneFrame)
		}
	}
	return -1
}

// speechTime is how long samples hold audio louder than silenceDBFS that
// is not mostly the given tones: prompts.
func speechTime(samples []int16, tones []float64) time.Duration {
	n := framesLen(sampleRate, toneFrame)
	limit := math.Pow(10, silenceDBFS/10) // the threshold RMS, squared
	var d time.Duration
	for off := 0; off+n <= len(samples); off += n {
		frame := samples[off : off+n]
		ms := frameMeanSquare(frame)
		var tone float64
		for _, f := range tones {
			tone += TonePower(frame, sampleRate, f) / 2
		}
		if ms > limit && tone < ms/2 {
			d += toneFrame
		}
	}
	return d
}

func samplesDur(n int) time.Duration { return time.Duration(n) * time.Second / sampleRate }

// checkTones asserts that who heard want for at least minHeardTone and
// its own tone own for at most maxOwnTone.
func checkTones(t *testing.T, who string, heard []int16, want, own float64) {
	t.Helper()
	if d := toneTime(heard, want); d < minHeardTone {
		t.Errorf("%s heard %v of %.0f Hz, want at least %v", who, d, want, minHeardTone)
	}
	if d := toneTime(heard, own); d > maxOwnTone {
		t.Errorf("%s heard %v of its own %.0f Hz, want at most %v", who, d, own, maxOwnTone)
	}
}

var reMWINotify = regexp.MustCompile(`----- MWI for `)

// checkMWI asserts that baresip's mwi module (not just the SIP trace)
// reported a NOTIFY saying one new message waits, and that it subscribed
// once.
func checkMWI(t *testing.T, out string) {
	t.Helper()
	i := strings.Index(out, "----- MWI for ")
	if i < 0 {
		t.Fatal("no MWI report in baresip's output")
	}
	body := out[i:min(len(out), i+300)]
	t.Logf("mwi module: %s", body)
	if !strings.Contains(body, "Messages-Waiting: yes") || !strings.Contains(body, "Voice-Message: 1/0") {
		t.Errorf("MWI NOTIFY body %q, want Messages-Waiting: yes and Voice-Message: 1/0", body)
	}
	if n := strings.Count(out, "mwi: subscribing"); n != 1 {
		t.Errorf("the mwi module subscribed %d times, want once", n)
	}
}

// reVoicemailRow is a row of `hookswitch voicemail list`:
// BOX ID FOLDER FROM RECEIVED(date time) DURATION(m:ss).
var reVoicemailRow = regexp.MustCompile(`^(\S+)\s+(\S+)\s+(new|saved)\s+(\S+)\s.*\s(\d+):(\d\d)$`)

// checkVoicemailList asserts, on the stopped switch's data dir, that box
// holds exactly one message, from caller, listened to (saved), about
// messageTalk long; it returns the message's ID.
func checkVoicemailList(t *testing.T, sw *browser.Switch, box, caller string) string {
	t.Helper()
	out, err := browser.RunCmd(20*time.Second, "", sw.Bin, "voicemail", "list", box, "--data", sw.Data)
	if err != nil {
		t.Fatalf("voicemail list: %v\n%s", err, out)
	}
	t.Logf("voicemail list %s:\n%s", box, out)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("voicemail list %s: %d messages, want 1", box, len(lines)-1)
	}
	m := reVoicemailRow.FindStringSubmatch(strings.TrimSpace(lines[1]))
	if m == nil {
		t.Fatalf("voicemail list: unexpected row %q", lines[1])
	}
	if m[1] != box || m[4] != caller {
		t.Errorf("message in box %s from %s, want box %s from %s", m[1], m[4], box, caller)
	}
	// A message counts as heard once it starts playing.
	if m[3] != "saved" {
		t.Errorf("message folder %s, want saved (it was listened to)", m[3])
	}
	mins, _ := strconv.Atoi(m[5])
	secs, _ := strconv.Atoi(m[6])
	if d := time.Duration(mins*60+secs) * time.Second; d < messageTalk-1500*time.Millisecond || d > messageTalk+2*time.Second {
		t.Errorf("message lasts %v, want about %v", d, messageTalk)
	}
	return m[2]
}

// checkStoredMessage exports the message and asserts that it is the
// caller's tone throughout: no greeting, no beep.
func checkStoredMessage(t *testing.T, sw *browser.Switch, box, id string, tone float64) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "message.wav")
	if out, err := browser.RunCmd(20*time.Second, "", sw.Bin, "voicemail", "export", box, id, "-o", path, "--data", sw.Data); err != nil {
		t.Fatalf("voicemail export: %v\n%s", err, out)
	}
	rate, msg, err := ReadWAVFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if rate != sampleRate {
		t.Fatalf("message at %d Hz, want %d", rate, sampleRate)
	}
	total, d := samplesDur(len(msg)), toneTime(msg, tone)
	t.Logf("stored message: %v, %v of %.0f Hz, %v of the 1 kHz beep", total, d, tone, toneTime(msg, 1000))
	if d < minHeardTone || d < total*3/4 {
		t.Errorf("stored message holds %v of %.0f Hz in %v, want at least %v and three quarters", d, tone, total, minHeardTone)
	}
	if b := toneTime(msg, 1000); b > 0 {
		t.Errorf("stored message holds %v of the beep", b)
	}
}

func othersTones(ext string) []float64 {
	var fs []float64
	for o, f := range confTones {
		if o != ext {
			fs = append(fs, f)
		}
	}
	return fs
}

// checkMix asserts that ext's talk holds both other members' tones and,
// far below them, not its own.
func checkMix(t *testing.T, ext string, talk []int16) {
	t.Helper()
	if d := samplesDur(len(talk)); d < confTalk/2 {
		t.Errorf("%s: only %v of conference audio after the prompts, want at least %v", ext, d, confTalk/2)
		return
	}
	own := TonePower(talk, sampleRate, confTones[ext])
	weakest := math.Inf(1)
	for o, f := range confTones {
		if o == ext {
			continue
		}
		p := TonePower(talk, sampleRate, f)
		weakest = math.Min(weakest, p)
		if p < minConfTone {
			t.Errorf("%s hears %s's %.0f Hz at power %.3g, want at least %.3g", ext, o, f, p, minConfTone)
		}
	}
	rejection := 10 * math.Log10(weakest/math.Max(own, 1e-12))
	t.Logf("%s: %v of talk; the others' weaker tone %.3g, its own %.0f Hz %.3g (%.1f dB below)",
		ext, samplesDur(len(talk)), weakest, confTones[ext], own, rejection)
	if rejection < minOwnRejection {
		t.Errorf("%s hears its own %.0f Hz only %.1f dB below the others' tones, want at least %.0f dB",
			ext, confTones[ext], rejection, minOwnRejection)
	}
}
