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
)

// The default PBX applications (scripts/apps.lua) with real baresip
// peers: the auto attendant on 5000, voicemail and MWI, conference room
// 8000. tests/integration/apps_test.go checks the same with a synthetic
// phone; these prove that a real phone's DTMF, SUBSCRIBE and media work.

const password1003 = "Secret1234z"

var passwords = map[string]string{"1001": password1001, "1002": password1002, "1003": password1003}

// appsRig is a running switch with the default scripts and extensions.
type appsRig struct {
	baresip string
	sw      *hookswitch
	srv     *proc
	domain  string
}

func startAppsRig(t *testing.T, exts ...string) *appsRig {
	t.Helper()
	bin := requireBaresip(t)
	sw := buildSwitch(t)
	for _, e := range exts {
		sw.addExtension(t, e, passwords[e])
	}
	srv, port := sw.serve(t)
	return &appsRig{baresip: bin, sw: sw, srv: srv, domain: "127.0.0.1:" + strconv.Itoa(port)}
}

// phone starts a baresip for ext playing toneWAV, with extra account
// parameters and modules, and waits for its registration.
func (r *appsRig) phone(t *testing.T, ext, toneWAV, rtpPorts, params string, modules ...string) *ua {
	t.Helper()
	u := startUA(t, r.baresip, uaConfig{
		name:     "baresip-" + ext,
		account:  account(ext, r.domain, passwords[ext]) + params,
		toneWAV:  toneWAV,
		rtpPorts: rtpPorts,
		modules:  modules,
	})
	if err := u.waitOutput(reRegistered, 15*time.Second); err != nil {
		t.Fatalf("%s registration: %v", ext, err)
	}
	return u
}

// toneWAVFile writes a 60 s microphone tone and returns its path.
func toneWAVFile(t *testing.T, freq, amplitude float64) string {
	t.Helper()
	path := fmt.Sprintf("%s/tone-%.0f.wav", t.TempDir(), freq)
	if err := WriteWAVFile(path, sampleRate, Tone(sampleRate, freq, 60*time.Second, amplitude)); err != nil {
		t.Fatal(err)
	}
	return path
}

// recording reads what u heard so far (sndfile writes as it goes; the
// reader takes the data up to EOF while the header is still unpatched).
func recording(u *ua) ([]int16, error) {
	path, err := u.heard()
	if err != nil {
		return nil, err
	}
	rate, samples, err := ReadWAVFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", u.name, err)
	}
	if rate != sampleRate {
		return nil, fmt.Errorf("%s: recording at %d Hz, want %d", u.name, rate, sampleRate)
	}
	return samples, nil
}

// toneFrames tells, per 50 ms frame, whether freq carries most of the
// frame's power: a tone does, speech, music and silence do not.
func toneFrames(samples []int16, freq float64) []bool {
	n := framesLen(sampleRate, toneFrame)
	var out []bool
	for off := 0; off+n <= len(samples); off += n {
		frame := samples[off : off+n]
		var sum float64
		for _, s := range frame {
			sum += float64(s) * float64(s)
		}
		// TonePower of a sine of peak a is a*a; its mean square is a*a/2.
		ms := sum / float64(n) / (math.MaxInt16 * math.MaxInt16)
		out = append(out, ms > 1e-6 && TonePower(frame, sampleRate, freq) > ms) // share > 1/2
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

// toneStart returns the offset in samples of the first run of at least
// run of freq, or -1.
func toneStart(samples []int16, freq float64, run time.Duration) int {
	need := int(run / toneFrame)
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

// waitHeard polls u's recording until it holds run of freq after from
// samples, and returns where that run starts.
func waitHeard(t *testing.T, u *ua, freq float64, from int, run, timeout time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var lastErr error
	for time.Now().Before(deadline) {
		s, err := recording(u)
		if err == nil && len(s) > from {
			if at := toneStart(s[from:], freq, run); at >= 0 {
				return from + at
			}
		}
		lastErr = err
		if u.exited() {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s: no %v of %.0f Hz heard within %v (last error: %v)", u.name, run, freq, timeout, lastErr)
	return 0
}

// waitRecorded polls u's recording until it holds d of audio.
func waitRecorded(t *testing.T, u *ua, d time.Duration, timeout time.Duration) []int16 {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s, err := recording(u)
		if err == nil && len(s) >= framesLen(sampleRate, d) {
			return s
		}
		if time.Now().After(deadline) || u.exited() {
			t.Fatalf("%s: recording did not reach %v within %v (last error: %v)", u.name, d, timeout, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func samplesDur(n int) time.Duration { return time.Duration(n) * time.Second / sampleRate }

// hangUp ends u's call and stops u, so its recording is complete.
func hangUp(t *testing.T, u *ua) {
	t.Helper()
	u.command(t, "/hangup")
	if err := u.waitOutput(reCallTerminated, 10*time.Second); err != nil {
		t.Error(err)
	}
}

func stopUA(u *ua) {
	_ = u.stop(syscall.SIGTERM, 5*time.Second)
}

// TestBaresipIVR: 1001 calls the attendant, presses 2 during the
// greeting (a DTMF digit typed into baresip), is put through to 1002, and
// both hear each other.
func TestBaresipIVR(t *testing.T) {
	r := startAppsRig(t, "1001", "1002")
	wav1001, wav1002 := writeTones(t)
	b := r.phone(t, "1002", wav1002, "33100-33199", ";answermode=auto")
	a := r.phone(t, "1001", wav1001, "33000-33099", "")

	a.command(t, "/dial sip:5000@"+r.domain)
	if err := a.waitOutput(reCallEstablised, 15*time.Second); err != nil {
		t.Fatal(err)
	}
	// ~2 s into the greeting, press 2.
	waitRecorded(t, a, 2*time.Second, 15*time.Second)
	if _, err := a.stdin.WriteString("2"); err != nil {
		t.Fatal(err)
	}
	if err := b.waitOutput(reCallEstablised, 20*time.Second); err != nil {
		t.Fatalf("1002 not reached after key 2: %v", err)
	}
	atA := waitHeard(t, a, tone1002, 0, time.Second, 15*time.Second)
	waitHeard(t, b, tone1001, 0, time.Second, 15*time.Second)
	time.Sleep(3 * time.Second)
	hangUp(t, a)
	if err := b.waitOutput(reCallTerminated, 10*time.Second); err != nil {
		t.Error(err)
	}
	stopUA(a)
	stopUA(b)
	heardA, err := recording(a)
	if err != nil {
		t.Fatal(err)
	}
	heardB, err := recording(b)
	if err != nil {
		t.Fatal(err)
	}
	greeting := ActiveDuration(heardA[:atA], sampleRate, silenceDBFS)
	t.Logf("1001: %v recorded, %v non-silent before 1002's tone at %v; %v of 1002's tone, %v of its own",
		samplesDur(len(heardA)), greeting, samplesDur(atA), toneTime(heardA, tone1002), toneTime(heardA, tone1001))
	t.Logf("1002: %v recorded; %v of 1001's tone, %v of its own",
		samplesDur(len(heardB)), toneTime(heardB, tone1001), toneTime(heardB, tone1002))
	if !strings.Contains(a.out.String(), "send DTMF digit: '2'") {
		t.Error("1001 did not report sending DTMF 2 in RTP (RFC 4733)")
	}
	if strings.Contains(a.out.String(), "INFO sip:") {
		t.Error("1001 sent a SIP INFO; the key should go as RFC 4733 (the switch offers telephone-event)")
	}
	if greeting < 1500*time.Millisecond {
		t.Errorf("1001 heard only %v of greeting before being put through, want at least 1.5s", greeting)
	}
	checkTones(t, "1001", heardA, tone1002, tone1001)
	checkTones(t, "1002", heardB, tone1001, tone1002)
}

// Thresholds on what a party heard in a two-party call.
const (
	minHeardTone = 2500 * time.Millisecond // of the other party's tone
	maxOwnTone   = 250 * time.Millisecond  // of its own (an echo, a loop)
)

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

// switchErrors logs the switch's ERROR lines: not the subject of these
// tests, but worth seeing.
func switchErrors(t *testing.T, r *appsRig) {
	t.Helper()
	for _, l := range strings.Split(r.srv.out.String(), "\n") {
		if strings.Contains(l, "level=ERROR") {
			t.Logf("switch: %s", l)
		}
	}
}

// TestBaresipVoicemail: 1001 calls 1002, which is not registered, and
// leaves a message of its tone after the beep; 1002 then registers, gets
// the MWI NOTIFY, calls *61, presses 1 and must hear the tone.
func TestBaresipVoicemail(t *testing.T) {
	r := startAppsRig(t, "1001", "1002")
	wav1001, wav1002 := writeTones(t)
	a := r.phone(t, "1001", wav1001, "33200-33299", "")

	a.command(t, "/dial sip:1002@"+r.domain)
	if err := a.waitOutput(reCallEstablised, 15*time.Second); err != nil {
		t.Fatalf("voicemail did not answer: %v", err)
	}
	beep := waitHeard(t, a, 1000, 0, 150*time.Millisecond, 30*time.Second)
	time.Sleep(3500 * time.Millisecond) // the message: 1001's tone
	hangUp(t, a)
	stopUA(a)
	heardA, err := recording(a)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("1001: greeting %v (%v non-silent), then the beep", samplesDur(beep), ActiveDuration(heardA[:beep], sampleRate, silenceDBFS))

	b := r.mwiPhone(t, "1002", wav1002, "33300-33399")
	if err := b.waitOutput(reMWI, 15*time.Second); err != nil {
		t.Fatalf("no MWI NOTIFY reported by baresip's mwi module: %v", err)
	}
	checkMWI(t, b.out.String())

	// *61: the counts, then the main menu; 1 (typed ahead) plays the new
	// message.
	b.command(t, "/dial sip:*61@"+r.domain)
	if err := b.waitOutput(reCallEstablised, 15*time.Second); err != nil {
		t.Fatalf("*61 did not answer: %v", err)
	}
	waitRecorded(t, b, 3*time.Second, 15*time.Second)
	if _, err := b.stdin.WriteString("1"); err != nil {
		t.Fatal(err)
	}
	at := waitHeard(t, b, tone1001, 0, time.Second, 30*time.Second)
	time.Sleep(3 * time.Second) // the rest of the message
	hangUp(t, b)
	stopUA(b)
	heardB, err := recording(b)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("1002: %v recorded, the message from %v; %v of 1001's tone, %v of its own",
		samplesDur(len(heardB)), samplesDur(at), toneTime(heardB, tone1001), toneTime(heardB, tone1002))
	checkTones(t, "1002 (listening to the message)", heardB, tone1001, tone1002)
	if !strings.Contains(b.out.String(), "send DTMF digit: '1'") {
		t.Error("1002 did not report sending DTMF 1 in RTP (RFC 4733)")
	}

	if !r.srv.stop(syscall.SIGTERM, 10*time.Second) {
		t.Errorf("switch did not stop within 10s of SIGTERM")
	}
	switchErrors(t, r)
	id := checkVoicemailList(t, r.sw, "1002", "1001")
	// The stored message itself: 1001's tone, and nothing of the greeting.
	out := filepath.Join(t.TempDir(), "message.wav")
	if o, err := runCmd(20*time.Second, "", r.sw.bin, "voicemail", "export", "1002", id, "-o", out, "--data", r.sw.data); err != nil {
		t.Fatalf("voicemail export: %v\n%s", err, o)
	}
	rate, msg, err := ReadWAVFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if rate != sampleRate {
		t.Fatalf("message at %d Hz, want %d", rate, sampleRate)
	}
	total := samplesDur(len(msg))
	tone := toneTime(msg, tone1001)
	t.Logf("stored message: %v, %v of 1001's tone, %v of 1 kHz", total, tone, toneTime(msg, 1000))
	if tone < minHeardTone || tone < total*3/4 {
		t.Errorf("stored message holds %v of 1001's tone in %v, want at least %v and three quarters", tone, total, minHeardTone)
	}
}

// checkMWI asserts that baresip's mwi module reported a NOTIFY saying
// one new message waits, and that it subscribed once.
func checkMWI(t *testing.T, out string) {
	t.Helper()
	i := strings.Index(out, "----- MWI for")
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
var reVoicemailRow = regexp.MustCompile(`^(\S+)\s+(\S+)\s+(new|saved)\s+(\S+).*\s(\d+):(\d\d)$`)

// checkVoicemailList asserts, on the stopped switch's data dir, that box
// holds exactly one message from caller, listened to (saved), of a few
// seconds; it returns the message's ID.
func checkVoicemailList(t *testing.T, sw *hookswitch, box, caller string) string {
	t.Helper()
	out, err := runCmd(20*time.Second, "", sw.bin, "voicemail", "list", box, "--data", sw.data)
	if err != nil {
		t.Fatalf("voicemail list: %v\n%s", err, out)
	}
	t.Logf("voicemail list %s:\n%s", box, out)
	var rows [][]string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		m := reVoicemailRow.FindStringSubmatch(strings.TrimSpace(l))
		if m == nil {
			t.Fatalf("voicemail list: unexpected row %q", l)
		}
		rows = append(rows, m)
	}
	if len(rows) != 1 {
		t.Fatalf("voicemail list %s: %d messages, want 1", box, len(rows))
	}
	m := rows[0]
	if m[1] != box || m[4] != caller {
		t.Errorf("message in box %s from %s, want box %s from %s", m[1], m[4], box, caller)
	}
	// Heard: a message counts as heard once it starts playing.
	if m[3] != "saved" {
		t.Errorf("message folder %s, want saved (it was listened to)", m[3])
	}
	if secs := atoi(m[5])*60 + atoi(m[6]); secs < 2 || secs > 6 {
		t.Errorf("message lasts %s:%s, want about 3.5 s", m[5], m[6])
	}
	return m[2]
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// mwiPhone starts a baresip for ext with the mwi module, which subscribes
// to message-summary for the account once it has registered.
//
// baresip 1.0.0's mwi module has a race: a 1 ms timer started at module
// load re-subscribes every entry of its list, appending a new entry for
// each, so when registration completes before that timer fires it loops
// forever sending SUBSCRIBEs. The account is therefore added only after
// baresip is up (menu command /uanew), when the timer has long fired.
func (r *appsRig) mwiPhone(t *testing.T, ext, toneWAV, rtpPorts string) *ua {
	t.Helper()
	u := startUA(t, r.baresip, uaConfig{
		name:     "baresip-" + ext,
		toneWAV:  toneWAV,
		rtpPorts: rtpPorts,
		modules:  []string{"mwi.so"},
	})
	u.command(t, "/uanew "+account(ext, r.domain, passwords[ext])+";mwi=yes")
	if err := u.waitOutput(reRegistered, 15*time.Second); err != nil {
		t.Fatalf("%s registration: %v", ext, err)
	}
	return u
}

var reMWI = regexp.MustCompile(`MWI for`)
