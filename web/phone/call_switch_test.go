package phone

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/tests/browser"
)

// The switch's RTP range; baresip uses another, so a recording proves the
// media went through the switch.
const (
	callSwitchRTPMin = 30000
	callSwitchRTPMax = 30999
)

// callSwitch is the real hookswitch binary with its data directory, as
// tests/e2e runs it, plus the browser-facing ports. A copy of
// tests/browser's (a test file there).
type callSwitch struct {
	bin, data string
	proc      *callProc
	sipUDP    int // SIP over UDP (baresip)
	https     int // HTTPS: the web phone at /phone/, the web-call-protocol at /wcp
	webrtc    int // the WebRTC gateway's shared ICE port
}

// buildCallSwitch compiles cmd/hookswitch of the repository holding e
// (e.Dir is tests/browser).
func buildCallSwitch(t *testing.T, e browser.Env) *callSwitch {
	t.Helper()
	root := filepath.Dir(filepath.Dir(e.Dir))
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go tool not found: %v", err)
	}
	dir := t.TempDir()
	s := &callSwitch{bin: filepath.Join(dir, "hookswitch"), data: filepath.Join(dir, "data")}
	if out, err := runCallCmd(3*time.Minute, root, goBin, "build", "-o", s.bin, "./cmd/hookswitch"); err != nil {
		t.Fatalf("build switch: %v\n%s", err, out)
	}
	return s
}

// admin runs an admin subcommand on the switch's data dir (directly when
// it is stopped, through its control socket while it runs).
func (s *callSwitch) admin(t *testing.T, args ...string) string {
	t.Helper()
	out, err := runCallCmd(20*time.Second, "", s.bin, append(args, "--data", s.data)...)
	if err != nil {
		t.Fatalf("hookswitch %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// serve starts the switch on free loopback ports with SIP over UDP, HTTPS
// (the web phone and /wcp) and the WebRTC gateway, and waits until it answers OPTIONS,
// retrying when a port was taken meanwhile.
func (s *callSwitch) serve(t *testing.T) {
	t.Helper()
	var lastErr error
	for attempt := range 3 {
		ports, err := freeCallPorts(3)
		if err != nil {
			t.Fatal(err)
		}
		s.sipUDP, s.https, s.webrtc = ports[0], ports[1], ports[2]
		s.proc = startCallProc(t, fmt.Sprintf("hookswitch#%d", attempt+1), nil, s.bin, "serve",
			"--data", s.data,
			"--sip-udp", "127.0.0.1:"+strconv.Itoa(s.sipUDP),
			"--sip-tcp", "",
			"--sip-tls", "",
			"--https", "127.0.0.1:"+strconv.Itoa(s.https),
			"--webrtc", "127.0.0.1:"+strconv.Itoa(s.webrtc),
			"--advertise", "127.0.0.1",
			"--rtp-ports", fmt.Sprintf("%d-%d", callSwitchRTPMin, callSwitchRTPMax),
			"--rtp-ip", "127.0.0.1",
			"--http", "")
		if lastErr = s.waitReady(15 * time.Second); lastErr == nil {
			return
		}
		s.proc.stop(syscall.SIGKILL, time.Second)
		t.Logf("switch not ready (attempt %d): %v\n%s", attempt+1, lastErr, s.proc.out.String())
	}
	t.Fatalf("switch did not become ready: %v", lastErr)
}

// waitReady waits until the switch answers OPTIONS over UDP and accepts
// TCP on its HTTPS port.
func (s *callSwitch) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	addr := "127.0.0.1:" + strconv.Itoa(s.sipUDP)
	var lastErr error
	for time.Now().Before(deadline) {
		if s.proc.exited() {
			return fmt.Errorf("switch exited: %v", s.proc.err)
		}
		status, err := callOptions(addr, 500*time.Millisecond)
		switch {
		case err != nil:
			lastErr = err
		case status != 200:
			lastErr = fmt.Errorf("OPTIONS answered %d", status)
		default:
			c, err := net.DialTimeout("tcp4", "127.0.0.1:"+strconv.Itoa(s.https), time.Second)
			if err == nil {
				_ = c.Close()
				return nil
			}
			lastErr = fmt.Errorf("https port: %w", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("switch not ready within %v: %w", timeout, lastErr)
}

// cdrs lists the switch's CDRs.
func (s *callSwitch) cdrs(t *testing.T) []map[string]any {
	t.Helper()
	out := s.admin(t, "cdr", "list", "--json")
	var recs []map[string]any
	if err := json.Unmarshal([]byte(out), &recs); err != nil {
		t.Fatalf("cdr list output is not a JSON array: %v\n%s", err, out)
	}
	return recs
}

// callOptions sends one OPTIONS (RFC 3261 section 11) over UDP and returns
// the status code of the first final response.
func callOptions(addr string, timeout time.Duration) (int, error) {
	c, err := net.Dial("udp4", addr)
	if err != nil {
		return 0, fmt.Errorf("dial %s: %w", addr, err)
	}
	defer c.Close()
	local := c.LocalAddr().String()
	var b [8]byte
	_, _ = rand.Read(b[:])
	id := hex.EncodeToString(b[:])
	req := "OPTIONS sip:" + addr + " SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP " + local + ";branch=z9hG4bK" + id + ";rport\r\n" +
		"Max-Forwards: 70\r\n" +
		"From: <sip:probe@" + local + ">;tag=" + id + "\r\n" +
		"To: <sip:" + addr + ">\r\n" +
		"Call-ID: " + id + "@127.0.0.1\r\n" +
		"CSeq: 1 OPTIONS\r\n" +
		"Content-Length: 0\r\n\r\n"
	if _, err := c.Write([]byte(req)); err != nil {
		return 0, fmt.Errorf("send OPTIONS: %w", err)
	}
	_ = c.SetReadDeadline(time.Now().Add(timeout))
	buf := make([]byte, 4096)
	for {
		n, err := c.Read(buf)
		if err != nil {
			return 0, fmt.Errorf("read OPTIONS response: %w", err)
		}
		line, _, _ := strings.Cut(string(buf[:n]), "\r\n")
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "SIP/2.0" {
			return 0, fmt.Errorf("not a SIP response: %q", line)
		}
		code, err := strconv.Atoi(f[1])
		if err != nil {
			return 0, fmt.Errorf("bad status line %q", line)
		}
		if code >= 200 {
			return code, nil
		}
	}
}
