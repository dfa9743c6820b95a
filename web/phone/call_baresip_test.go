package phone

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

	"github.com/hookswitch/hookswitch/tests/browser"
)

// baresip as the far end of a browser call, configured as tests/e2e does
// (baresip_test.go there): loopback only, G.711, a WAV as the microphone,
// and sndfile recording what it hears. A copy of tests/browser's (a test
// file there), plus commands typed into its stdin as tests/e2e does.

var (
	reBaresipReady      = regexp.MustCompile(`baresip is ready\.`)
	reBaresipRegistered = regexp.MustCompile(`\{\d+/UDP/v4\} 200 `)
	reBaresipEstablised = regexp.MustCompile(`Call established`)
	reBaresipTerminated = regexp.MustCompile(`Call with .* terminated`)
	reBaresipRTPFrom    = regexp.MustCompile(`incoming rtp for 'audio' established, receiving from ([0-9.]+):(\d+)`)
	// baresip logs a digit it received by SIP INFO or RFC 4733 this way.
	reBaresipDTMF = regexp.MustCompile(`received DTMF: '(.)'`)
)

// baresipModules is where Debian's baresip-core puts its modules.
const baresipModules = "/usr/lib/baresip/modules"

// requireBaresip returns the baresip binary; tests/run installs it, so a
// missing one fails the test like a missing browser does.
func requireBaresip(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("baresip")
	if err != nil {
		t.Fatalf("baresip: %v; run tests/run (it installs baresip-core), or set %s=1 to skip browser tests", err, browser.SkipEnv)
	}
	return path
}

// callBaresip is a running baresip.
type callBaresip struct {
	*callProc
	recDir string
	stdin  *os.File // baresip's stdio module reads commands from it
}

// startBaresip starts baresip with one account line on a free loopback
// SIP port, playing toneWAV and recording into its own directory; it
// retries when another process took the port meanwhile.
func startBaresip(t *testing.T, bin, name, account, toneWAV, rtpPorts string) *callBaresip {
	t.Helper()
	var lastErr error
	for attempt := range 3 {
		port, err := freeCallPort()
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
		// stdin stays open (a pipe the test types commands into): baresip's
		// stdio module reads it, and a closed one would make it quit.
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = w.Close() })
		// -s traces SIP into the log printed on failure.
		p := startCallProc(t, name, r, bin, "-s", "-f", dir)
		_ = r.Close()
		if lastErr = p.waitOutput(reBaresipReady, 10*time.Second); lastErr == nil {
			return &callBaresip{callProc: p, recDir: recDir, stdin: w}
		}
		p.stop(syscall.SIGKILL, time.Second)
		t.Logf("%s did not start on port %d (attempt %d): %v\n%s", name, port, attempt+1, lastErr, p.out.String())
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

// heard returns the path of what baresip received (sndfile's decoded
// stream).
func (b *callBaresip) heard() (string, error) {
	m, err := filepath.Glob(filepath.Join(b.recDir, "*-dec.wav"))
	if err != nil {
		return "", fmt.Errorf("%s: glob recordings: %w", b.name, err)
	}
	if len(m) != 1 {
		return "", fmt.Errorf("%s: want 1 decode recording in %s, found %d", b.name, b.recDir, len(m))
	}
	return m[0], nil
}

// command types a menu command (for example "/dial sip:...") into
// baresip.
func (b *callBaresip) command(t *testing.T, cmd string) {
	t.Helper()
	if _, err := b.stdin.WriteString(cmd + "\n"); err != nil {
		t.Fatalf("%s: type %q: %v", b.name, cmd, err)
	}
}

// checkBaresipRTPFromSwitch asserts baresip got its RTP from the switch's
// range: the media was anchored, the gateway's plain side feeding it.
func checkBaresipRTPFromSwitch(t *testing.T, b *callBaresip) {
	t.Helper()
	m := reBaresipRTPFrom.FindStringSubmatch(b.out.String())
	if m == nil {
		t.Errorf("%s: no incoming RTP reported", b.name)
		return
	}
	port, _ := strconv.Atoi(m[2])
	if m[1] != "127.0.0.1" || port < callSwitchRTPMin || port > callSwitchRTPMax {
		t.Errorf("%s: RTP came from %s:%s, want the switch's 127.0.0.1:%d-%d", b.name, m[1], m[2], callSwitchRTPMin, callSwitchRTPMax)
	}
}
