package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/tests/e2e"
)

const (
	jsCallBrowserPassword = "Browser1234x"
	jsCallBaresipPassword = "Baresip1234y"
	// The two microphones play tones far apart, neither a harmonic of the
	// other, so each recording tells which side it came from.
	jsCallBrowserTone = 1000.0 // Chromium's fake microphone (a WAV we write)
	jsCallBaresipTone = 440.0  // baresip's aufile source
	// jsCallTalk is how long the page stays in the call once media flows.
	jsCallTalk = 4 * time.Second
	// jsCallMinTalk is the least talk_duration the CDR must show.
	jsCallMinTalk = 2.0
	// jsCallMinHeard is the least non-silent audio baresip must record.
	jsCallMinHeard = 2 * time.Second
	// jsCallMinSNR is how far (dB) the browser's tone must stand above
	// baresip's own in what baresip recorded: an echo or a crossed stream
	// fails.
	jsCallMinSNR = 20.0
)

// TestBrowserJsSIPCallsBaresip is the first real browser call: JsSIP in
// Chromium registers over WSS on the switch's HTTPS port and calls a
// baresip extension with the fake microphone playing a known tone; the
// media goes through the switch's WebRTC gateway (DTLS-SRTP on the
// browser's side, plain RTP on baresip's). Both directions are checked by
// what each side heard: baresip's recording holds the browser's tone, and
// the page's WebAudio analyser hears baresip's. The page hangs up, and
// the CDR shows the answered call.
func TestBrowserJsSIPCallsBaresip(t *testing.T) {
	t.Parallel()
	env := Require(t)
	bin := RequireBaresip(t)

	dir := t.TempDir()
	browserWAV := filepath.Join(dir, "browser-tone.wav")
	baresipWAV := filepath.Join(dir, "baresip-tone.wav")
	// Chromium resamples the file to its capture rate; baresip's aufile
	// wants its own rate (8 kHz, like the e2e tests).
	if err := e2e.WriteWAVFile(browserWAV, 48000, e2e.Tone(48000, jsCallBrowserTone, 60*time.Second, 0.5)); err != nil {
		t.Fatal(err)
	}
	if err := e2e.WriteWAVFile(baresipWAV, 8000, e2e.Tone(8000, jsCallBaresipTone, 60*time.Second, 0.5)); err != nil {
		t.Fatal(err)
	}
	env, err := env.WithFlags(t, "--use-file-for-fake-audio-capture="+browserWAV)
	if err != nil {
		t.Fatal(err)
	}

	sw := BuildSwitch(t, env)
	sw.Admin(t, "ext", "add", "1001", "--password", jsCallBrowserPassword)
	sw.Admin(t, "ext", "add", "1002", "--password", jsCallBaresipPassword)
	sw.Admin(t, "cert", "generate", "--host", "127.0.0.1,localhost")
	sw.Serve(t)

	domain := "127.0.0.1:" + strconv.Itoa(sw.SIPUDP)
	b := StartBaresip(t, bin, "baresip-1002",
		fmt.Sprintf("<sip:1002@%s;transport=udp>;auth_pass=%s;regint=300;audio_codecs=pcmu,pcma;answermode=auto", domain, jsCallBaresipPassword),
		baresipWAV, "32000-32999")
	if err := b.WaitOutput(BaresipRegistered, 10*time.Second); err != nil {
		t.Fatalf("baresip registration: %v", err)
	}

	pages := env.Serve(t, os.DirFS("testdata"))
	q := url.Values{
		"wss":      {"wss://127.0.0.1:" + strconv.Itoa(sw.HTTPS) + "/ws"},
		"user":     {"1001"},
		"password": {jsCallBrowserPassword},
		"domain":   {"127.0.0.1"},
		"target":   {"1002"},
		"talk":     {strconv.FormatInt(jsCallTalk.Milliseconds(), 10)},
	}
	s, err := env.Start(t, Options{URL: pages.URL + "/jssip_call.html?" + q.Encode()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), DefaultTimeout+30*time.Second)
	defer cancel()

	if _, err := s.WaitResult(ctx, "registered"); err != nil {
		t.Fatal(err)
	}
	regs := sw.Admin(t, "reg", "list")
	t.Logf("reg list:\n%s", regs)
	checkBrowserBinding(t, regs)
	if _, err := s.WaitResult(ctx, "confirmed"); err != nil {
		t.Fatal(err)
	}
	if err := b.WaitOutput(BaresipEstablished, 10*time.Second); err != nil {
		t.Error(err)
	}
	r := s.Wait()
	if !r.OK {
		t.Fatal(r.Err)
	}

	var mic struct {
		Label string `json:"label"`
	}
	var ended struct {
		Originator string `json:"originator"`
		Cause      string `json:"cause"`
	}
	for name, v := range map[string]any{"microphone": &mic, "ended": &ended} {
		if err := r.Value(name, v); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("microphone %q; the call ended: %+v", mic.Label, ended)
	if ended.Originator != "local" {
		t.Errorf("the call was ended by %q (%s), want the page (local)", ended.Originator, ended.Cause)
	}
	checkPageMedia(t, r, sw.WebRTC)

	if err := b.WaitOutput(BaresipTerminated, 10*time.Second); err != nil {
		t.Error(err)
	}
	CheckBaresipRTPFromSwitch(t, b)
	if !b.Stop(syscall.SIGTERM, 5*time.Second) {
		t.Logf("baresip needed SIGKILL")
	}
	checkBaresipHeard(t, b)

	if !sw.Proc.Stop(syscall.SIGTERM, 10*time.Second) {
		t.Errorf("switch did not stop within 10s of SIGTERM")
	}
	checkBrowserCDR(t, sw.CDRs(t))
}

// checkBrowserBinding asserts that reg list shows 1001 registered over
// WSS by JsSIP.
func checkBrowserBinding(t *testing.T, list string) {
	t.Helper()
	for _, line := range strings.Split(list, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || !strings.Contains(f[0], "1001") {
			continue
		}
		if !strings.Contains(strings.ToLower(line), " wss ") || !strings.Contains(line, "JsSIP") {
			t.Errorf("1001's binding is not a JsSIP one over WSS: %q", line)
		}
		return
	}
	t.Errorf("reg list has no binding for 1001:\n%s", list)
}

// checkPageMedia asserts what the page measured: RTP through the
// gateway's port on loopback whose count grew, audio energy, and baresip's
// tone as the strongest frequency the page heard.
func checkPageMedia(t *testing.T, r *Result, gatewayPort int) {
	t.Helper()
	var st struct {
		FirstPackets     int     `json:"firstPackets"`
		PacketsReceived  int     `json:"packetsReceived"`
		BytesReceived    int64   `json:"bytesReceived"`
		PacketsSent      int     `json:"packetsSent"`
		AudioLevel       float64 `json:"audioLevel"`
		TotalAudioEnergy float64 `json:"totalAudioEnergy"`
		Codec            string  `json:"codec"`
		LocalAddress     string  `json:"localAddress"`
		RemoteAddress    string  `json:"remoteAddress"`
		RemotePort       int     `json:"remotePort"`
		ConnectionState  string  `json:"connectionState"`
		Heard            struct {
			State          string  `json:"state"`
			Frames         int     `json:"frames"`
			LoudFrames     int     `json:"loudFrames"`
			DominantHz     float64 `json:"dominantHz"`
			DominantFrames int     `json:"dominantFrames"`
		} `json:"heard"`
	}
	if err := r.Value("stats", &st); err != nil {
		t.Fatal(err)
	}
	t.Logf("page stats: %+v", st)
	if st.FirstPackets <= 0 || st.PacketsReceived <= st.FirstPackets {
		t.Errorf("inbound packetsReceived went %d -> %d, want a positive count that grows", st.FirstPackets, st.PacketsReceived)
	}
	if st.PacketsSent <= 0 {
		t.Errorf("outbound packetsSent = %d, want > 0", st.PacketsSent)
	}
	if st.TotalAudioEnergy <= 0 {
		t.Errorf("inbound totalAudioEnergy = %v, want > 0", st.TotalAudioEnergy)
	}
	if c := strings.ToLower(st.Codec); c != "audio/pcmu" && c != "audio/pcma" {
		t.Errorf("codec = %q, want G.711 (the gateway offers only PCMU and PCMA)", st.Codec)
	}
	for _, a := range []string{st.LocalAddress, st.RemoteAddress} {
		if ip := net.ParseIP(a); ip == nil || !ip.IsLoopback() {
			t.Errorf("selected candidate address %q is not a loopback address", a)
		}
	}
	if st.RemotePort != gatewayPort {
		t.Errorf("media went to port %d, want the gateway's %d", st.RemotePort, gatewayPort)
	}
	if st.ConnectionState != "connected" {
		t.Errorf("connectionState = %q, want connected", st.ConnectionState)
	}
	h := st.Heard
	if math.Abs(h.DominantHz-jsCallBaresipTone) > 25 {
		t.Errorf("the page heard %v Hz most (%d of %d loud frames), want baresip's %v Hz", h.DominantHz, h.DominantFrames, h.LoudFrames, jsCallBaresipTone)
	}
	// The tone leads, not just one lucky frame: most loud frames, and at
	// least half a second of them (frames are 50 ms).
	if h.DominantFrames < 10 || 2*h.DominantFrames <= h.LoudFrames {
		t.Errorf("the page heard %v Hz in %d of %d loud frames (%d in all), want most of at least 10", h.DominantHz, h.DominantFrames, h.LoudFrames, h.Frames)
	}
}

// checkBaresipHeard asserts baresip's recording holds the browser's tone,
// clearly above its own, for long enough.
func checkBaresipHeard(t *testing.T, b *Baresip) {
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
	total := time.Duration(len(samples)) * time.Second / time.Duration(rate)
	// The first half second is jitter buffer fill and stream start-up.
	samples = e2e.Skip(samples, rate, 500*time.Millisecond)
	active := e2e.ActiveDuration(samples, rate, -40)
	dom, domPower := e2e.DominantFrequency(samples, rate, 300, 3400, 10)
	pWant, pOwn := e2e.TonePower(samples, rate, jsCallBrowserTone), e2e.TonePower(samples, rate, jsCallBaresipTone)
	snr := 10 * math.Log10(pWant/math.Max(pOwn, 1e-12))
	t.Logf("baresip heard: %v recorded at %d Hz, %v non-silent; dominant %.0f Hz (power %.3g); %.0f Hz %.3g, %.0f Hz %.3g (%.1f dB)",
		total, rate, active, dom, domPower, jsCallBrowserTone, pWant, jsCallBaresipTone, pOwn, snr)
	if active < jsCallMinHeard {
		t.Errorf("baresip recorded only %v of non-silent audio, want at least %v", active, jsCallMinHeard)
	}
	if math.Abs(dom-jsCallBrowserTone) > 20 {
		t.Errorf("baresip heard %.0f Hz most, want the browser's %.0f Hz", dom, jsCallBrowserTone)
	}
	if snr < jsCallMinSNR {
		t.Errorf("the browser's %.0f Hz is only %.1f dB above baresip's own %.0f Hz, want at least %.0f dB", jsCallBrowserTone, snr, jsCallBaresipTone, jsCallMinSNR)
	}
}

// checkBrowserCDR asserts exactly one CDR shows 1001's answered call to
// 1002, hung up by the browser after talking.
func checkBrowserCDR(t *testing.T, recs []map[string]any) {
	t.Helper()
	all, _ := json.MarshalIndent(recs, "", "  ")
	t.Logf("CDRs: %s", all)
	var found []map[string]any
	for _, r := range recs {
		if strings.Contains(fmt.Sprint(r["caller"]), "1001") && strings.Contains(fmt.Sprint(r["callee"]), "1002") {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want exactly 1 CDR for 1001 -> 1002, found %d", len(found))
	}
	r := found[0]
	if st := fmt.Sprint(r["call_status"]); st != "answered" {
		t.Errorf("call_status = %q, want answered", st)
	}
	if er := fmt.Sprint(r["ended_reason"]); er != "caller_hangup" {
		t.Errorf("ended_reason = %q, want caller_hangup (the page hung up)", er)
	}
	talk, err := cdrSeconds(r["talk_duration"])
	if err != nil {
		t.Errorf("talk_duration: %v", err)
	} else if talk < jsCallMinTalk {
		t.Errorf("talk_duration = %v s, want at least %v s", talk, jsCallMinTalk)
	}
}

// cdrSeconds reads a duration given as seconds, or as a string holding a
// number or a Go duration ("4s").
func cdrSeconds(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case string:
		if f, err := strconv.ParseFloat(x, 64); err == nil {
			return f, nil
		}
		d, err := time.ParseDuration(x)
		if err != nil {
			return 0, fmt.Errorf("%q is neither seconds nor a duration", x)
		}
		return d.Seconds(), nil
	default:
		return 0, fmt.Errorf("unexpected value %v (%T)", v, v)
	}
}
