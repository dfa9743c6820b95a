package browser

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// baresip as the far end of a browser call or a phone of tests/e2e:
// loopback only, G.711, a WAV as the microphone, sndfile recording what it
// hears, and commands typed into its stdin.

// What baresip logs, for Proc.WaitOutput.
var (
	BaresipReady       = regexp.MustCompile(`baresip is ready\.`)
	BaresipRegistered  = regexp.MustCompile(`\{\d+/UDP/v4\} 200 `)
	BaresipEstablished = regexp.MustCompile(`Call established`)
	BaresipTerminated  = regexp.MustCompile(`Call with .* terminated`)
	BaresipRTPFrom     = regexp.MustCompile(`incoming rtp for 'audio' established, receiving from ([0-9.]+):(\d+)`)
	// BaresipDTMF is how baresip logs a digit it received by SIP INFO or
	// RFC 4733; the digit is the submatch.
	BaresipDTMF = regexp.MustCompile(`received DTMF: '(.)'`)
)

// baresipModules is where Debian's baresip-core puts its modules.
const baresipModules = "/usr/lib/baresip/modules"

// RequireBaresip returns the baresip binary; tests/run installs it, so a
// missing one fails the test like a missing browser does.
func RequireBaresip(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("baresip")
	if err != nil {
		t.Fatalf("baresip: %v; run tests/run (it installs baresip-core), or set %s=1 to skip browser tests", err, SkipEnv)
	}
	return path
}

// Baresip is a running baresip.
type Baresip struct {
	*Proc
	Port   int      // its SIP port on 127.0.0.1 (UDP and TCP; TLS on Port+1)
	RecDir string   // where sndfile records
	stdin  *os.File // baresip's stdio module reads commands from it
}

// BaresipConfig describes one baresip for StartBaresipConfig.
type BaresipConfig struct {
	Name     string   // label in logs, e.g. "baresip-1001"
	Account  string   // one line of its accounts file; empty for none (added later by /uanew)
	ToneWAV  string   // played as the microphone
	RTPPorts string   // e.g. "31000-31999"
	Modules  []string // extra application modules, e.g. "mwi.so"
}

// StartBaresip starts baresip with one account line on a free loopback
// SIP port, playing toneWAV and recording into its own directory; it
// retries when another process took the port meanwhile.
func StartBaresip(t testing.TB, bin, name, account, toneWAV, rtpPorts string) *Baresip {
	t.Helper()
	return StartBaresipConfig(t, bin, BaresipConfig{Name: name, Account: account, ToneWAV: toneWAV, RTPPorts: rtpPorts})
}

// StartBaresipConfig is StartBaresip with every option.
func StartBaresipConfig(t testing.TB, bin string, c BaresipConfig) *Baresip {
	t.Helper()
	var lastErr error
	for attempt := range 3 {
		port, err := FreePort()
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), fmt.Sprintf("%s-%d", c.Name, attempt))
		recDir := filepath.Join(dir, "rec")
		if err := os.MkdirAll(recDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "config"), []byte(baresipConfig(port, c, recDir)), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "accounts"), []byte(c.Account+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		// stdin stays open (a pipe Command types into): baresip's stdio
		// module reads it, and a closed one would make it quit.
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = w.Close() })
		// -s traces SIP into the log printed on failure.
		p := StartProc(t, c.Name, r, bin, "-s", "-f", dir)
		_ = r.Close()
		if lastErr = p.WaitOutput(BaresipReady, 10*time.Second); lastErr == nil {
			return &Baresip{Proc: p, Port: port, RecDir: recDir, stdin: w}
		}
		p.Stop(syscall.SIGKILL, time.Second)
		t.Logf("%s did not start on port %d (attempt %d): %v\n%s", c.Name, port, attempt+1, lastErr, p.Output())
	}
	t.Fatalf("%s: %v", c.Name, lastErr)
	return nil
}

// baresipConfig pins baresip to loopback, G.711 and files: the tone WAV is
// the microphone, sndfile records both directions into recDir, and the
// player is a dummy aubridge device (no sound card).
func baresipConfig(port int, c BaresipConfig, recDir string) string {
	lines := []string{
		"poll_method epoll",
		fmt.Sprintf("sip_listen 127.0.0.1:%d", port),
		"net_interface 127.0.0.1",
		"call_local_timeout 30",
		"call_max_calls 2",
		"audio_player aubridge,nil",
		"audio_alert aubridge,nil",
		"audio_source aufile," + c.ToneWAV,
		"ausrc_srate 8000",
		"auplay_srate 8000",
		"ausrc_channels 1",
		"auplay_channels 1",
		"rtp_ports " + c.RTPPorts,
		"rtcp_mux no",
		"statmode_default off",
		"module stdio.so",
		"module g711.so",
		"module aufile.so",
		"module aubridge.so",
		"module sndfile.so",
		"module_tmp account.so",
		"module_app menu.so",
		"snd_path " + recDir,
	}
	for _, m := range c.Modules {
		lines = append(lines, "module_app "+m)
	}
	if _, err := os.Stat(baresipModules); err == nil {
		lines = append(lines, "module_path "+baresipModules)
	}
	return strings.Join(lines, "\n") + "\n"
}

// Command types a menu command (for example "/dial sip:...") into baresip.
func (b *Baresip) Command(t testing.TB, cmd string) {
	t.Helper()
	if _, err := b.stdin.WriteString(cmd + "\n"); err != nil {
		t.Fatalf("%s: type %q: %v", b.Name, cmd, err)
	}
}

// Key presses a key during a call: baresip's menu sends a character typed
// outside a /command as a DTMF digit (RFC 4733 when the peer's SDP offers
// telephone-event).
func (b *Baresip) Key(t testing.TB, digit byte) {
	t.Helper()
	if _, err := b.stdin.Write([]byte{digit}); err != nil {
		t.Fatalf("%s: key %c: %v", b.Name, digit, err)
	}
}

// Heard returns the path of what baresip received (sndfile's decoded
// stream).
func (b *Baresip) Heard() (string, error) {
	m, err := filepath.Glob(filepath.Join(b.RecDir, "*-dec.wav"))
	if err != nil {
		return "", fmt.Errorf("%s: glob recordings: %w", b.Name, err)
	}
	if len(m) != 1 {
		return "", fmt.Errorf("%s: want 1 decode recording in %s, found %d", b.Name, b.RecDir, len(m))
	}
	return m[0], nil
}

// CheckBaresipRTPFromSwitch asserts baresip got its RTP from the switch's
// range: the media was anchored, the gateway's plain side feeding it.
func CheckBaresipRTPFromSwitch(t testing.TB, b *Baresip) {
	t.Helper()
	m := BaresipRTPFrom.FindStringSubmatch(b.Output())
	if m == nil {
		t.Errorf("%s: no incoming RTP reported", b.Name)
		return
	}
	port, _ := strconv.Atoi(m[2])
	if m[1] != "127.0.0.1" || port < SwitchRTPMin || port > SwitchRTPMax {
		t.Errorf("%s: RTP came from %s:%s, want the switch's 127.0.0.1:%d-%d", b.Name, m[1], m[2], SwitchRTPMin, SwitchRTPMax)
	}
}
