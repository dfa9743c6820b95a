package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

var (
	reBaresipReady   = regexp.MustCompile(`baresip is ready\.`)
	reRegistered     = regexp.MustCompile(`\{\d+/UDP/v4\} 200 `)
	reCallEstablised = regexp.MustCompile(`Call established`)
	reCallTerminated = regexp.MustCompile(`Call with .* terminated`)
)

// requireBaresip returns the baresip binary, or skips the test when it is
// missing; under CI a missing baresip is a failure, never a skip.
func requireBaresip(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("baresip")
	if err == nil {
		return path
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("baresip not found (%v) and CI is set: install baresip-core", err)
	}
	t.Skip("baresip not installed (apt-get install -y baresip-core); skipping real-peer test")
	return ""
}

// debianModulePath is where baresip-core installs its modules.
const debianModulePath = "/usr/lib/baresip/modules"

// uaConfig describes one baresip instance.
type uaConfig struct {
	name     string   // label in logs, e.g. "baresip-1001"
	account  string   // one line of baresip's accounts file
	toneWAV  string   // played as the microphone
	rtpPorts string   // e.g. "31000-31999"
	modules  []string // extra application modules, e.g. "mwi.so"
}

// ua is a running baresip driven through its stdin (stdio + menu modules).
type ua struct {
	*proc
	port   int
	recDir string
	stdin  *os.File
}

// startUA writes a private config directory and starts baresip on a free
// loopback SIP port, retrying when another process steals the port.
func startUA(t *testing.T, bin string, c uaConfig) *ua {
	t.Helper()
	var lastErr error
	for attempt := range 3 {
		port, err := freeSIPPort()
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), fmt.Sprintf("%s-%d", c.name, attempt))
		recDir := filepath.Join(dir, "rec")
		if err := os.MkdirAll(recDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "config"), []byte(baresipConfig(port, c, recDir)), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "accounts"), []byte(c.account+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = w.Close() })
		// -s traces SIP into the log printed on failure.
		p := startProc(t, c.name, r, bin, "-s", "-f", dir)
		_ = r.Close()
		u := &ua{proc: p, port: port, recDir: recDir, stdin: w}
		if lastErr = p.waitOutput(reBaresipReady, 10*time.Second); lastErr == nil {
			return u
		}
		p.stop(syscall.SIGKILL, time.Second)
		t.Logf("%s did not start on port %d (attempt %d): %v\n%s", c.name, port, attempt+1, lastErr, p.out.String())
	}
	t.Fatalf("%s: %v", c.name, lastErr)
	return nil
}

// baresipConfig pins everything to loopback, G.711 and files: the tone WAV
// is the microphone, sndfile records both directions into recDir, and the
// player is a dummy aubridge device (no sound card needed).
func baresipConfig(port int, c uaConfig, recDir string) string {
	lines := []string{
		"poll_method epoll",
		fmt.Sprintf("sip_listen 127.0.0.1:%d", port),
		"net_interface 127.0.0.1",
		"call_local_timeout 30",
		"call_max_calls 2",
		"audio_player aubridge,nil",
		"audio_alert aubridge,nil",
		"audio_source aufile," + c.toneWAV,
		"ausrc_srate 8000",
		"auplay_srate 8000",
		"ausrc_channels 1",
		"auplay_channels 1",
		"rtp_ports " + c.rtpPorts,
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
	for _, m := range c.modules {
		lines = append(lines, "module_app "+m)
	}
	if _, err := os.Stat(debianModulePath); err == nil {
		lines = append(lines, "module_path "+debianModulePath)
	}
	return strings.Join(lines, "\n") + "\n"
}

// command types a menu command (for example "/dial sip:...") into baresip.
func (u *ua) command(t *testing.T, cmd string) {
	t.Helper()
	if _, err := u.stdin.WriteString(cmd + "\n"); err != nil {
		t.Fatalf("%s: send %q: %v", u.name, cmd, err)
	}
}

// heard returns the path of what this UA received (sndfile's decode dump).
func (u *ua) heard() (string, error) {
	m, err := filepath.Glob(filepath.Join(u.recDir, "*-dec.wav"))
	if err != nil {
		return "", fmt.Errorf("%s: glob recordings: %w", u.name, err)
	}
	if len(m) != 1 {
		return "", fmt.Errorf("%s: want 1 decode recording in %s, found %d", u.name, u.recDir, len(m))
	}
	return m[0], nil
}
