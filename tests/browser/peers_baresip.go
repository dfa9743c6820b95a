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

// baresip as the far end of a browser call, configured as tests/e2e does
// (baresip_test.go there): loopback only, G.711, a WAV as the microphone,
// sndfile recording what it hears, and commands typed into its stdin.

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
	RecDir string   // where sndfile records
	stdin  *os.File // baresip's stdio module reads commands from it
}

// StartBaresip starts baresip with one account line on a free loopback
// SIP port, playing toneWAV and recording into its own directory; it
// retries when another process took the port meanwhile.
func StartBaresip(t testing.TB, bin, name, account, toneWAV, rtpPorts string) *Baresip {
	t.Helper()
	var lastErr error
	for attempt := range 3 {
		port, err := FreePort()
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), fmt.Sprintf("%s-%d", name, attempt))
		recDir := filepath.Join(dir, "rec")
		if err := os.MkdirAll(recDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "config"), []byte(baresipConfig(port, toneWAV, rtpPorts, recDir)), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "accounts"), []byte(account+"\n"), 0o644); err != nil {
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
		p := StartProc(t, name, r, bin, "-s", "-f", dir)
		_ = r.Close()
		if lastErr = p.WaitOutput(BaresipReady, 10*time.Second); lastErr == nil {
			return &Baresip{Proc: p, RecDir: recDir, stdin: w}
		}
		p.Stop(syscall.SIGKILL, time.Second)
		t.Logf("%s did not start on port %d (attempt %d): %v\n%s", name, port, attempt+1, lastErr, p.Output())
	}
	t.Fatalf("%s: %v", name, lastErr)
	return nil
}

// baresipConfig pins baresip to loopback, G.711 and files: toneWAV is the
// microphone, sndfile records both directions into recDir, and the player
// is a dummy aubridge device (no sound card).
func baresipConfig(port int, toneWAV, rtpPorts, recDir string) string {
	lines := []string{
		"poll_method epoll",
		fmt.Sprintf("sip_listen 127.0.0.1:%d", port),
		"net_interface 127.0.0.1",
		"call_local_timeout 30",
		"call_max_calls 2",
		"audio_player aubridge,nil",
		"audio_alert aubridge,nil",
		"audio_source aufile," + toneWAV,
		"ausrc_srate 8000",
		"auplay_srate 8000",
		"ausrc_channels 1",
		"auplay_channels 1",
		"rtp_ports " + rtpPorts,
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
