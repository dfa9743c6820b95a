package browser

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The switch's RTP range; baresip uses another, so a recording proves the
// media went through the switch.
const (
	SwitchRTPMin = 30000
	SwitchRTPMax = 30999
)

// Switch is the real hookswitch binary with its data directory, plus the
// ports Serve chose (browser-facing ones, or SIP TCP with SIPOnly).
type Switch struct {
	Bin, Data string
	Proc      *Proc // the running switch, after Serve
	SIPUDP    int   // SIP over UDP (baresip)
	HTTPS     int   // HTTPS: SIP over WSS on /ws, the web phone at /phone/, the web-call-protocol at /wcp
	WebRTC    int   // the WebRTC gateway's shared ICE port
	// AdminHTTP, set before Serve, serves the admin API and UI (--http)
	// on a free loopback port, HTTP, rather than disabling them.
	AdminHTTP bool
	HTTP      int // that port, after Serve
	// SIPOnly, set before Serve, serves SIP over UDP and TCP alone, with
	// neither HTTPS nor the WebRTC gateway (tests/e2e's plain SIP switch).
	SIPOnly bool
	SIPTCP  int // SIP over TCP with SIPOnly, after Serve
}

// BuildSwitch compiles cmd/hookswitch of the repository holding e (e.Dir
// is tests/browser).
func BuildSwitch(t testing.TB, e Env) *Switch {
	t.Helper()
	return BuildSwitchIn(t, filepath.Dir(filepath.Dir(e.Dir)))
}

// BuildSwitchIn compiles cmd/hookswitch of the repository at root (for
// tests that need no browser harness, such as tests/e2e).
func BuildSwitchIn(t testing.TB, root string) *Switch {
	t.Helper()
	root, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root not found at %s: %v", root, err)
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go tool not found: %v", err)
	}
	dir := t.TempDir()
	s := &Switch{Bin: filepath.Join(dir, "hookswitch"), Data: filepath.Join(dir, "data")}
	if out, err := RunCmd(3*time.Minute, root, goBin, "build", "-o", s.Bin, "./cmd/hookswitch"); err != nil {
		t.Fatalf("build switch: %v\n%s", err, out)
	}
	return s
}

// Admin runs an admin subcommand on the switch's data dir (directly when
// it is stopped, through its control socket while it runs).
func (s *Switch) Admin(t testing.TB, args ...string) string {
	t.Helper()
	out, err := s.TryAdmin(args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TryAdmin is Admin for checks that should not end the test.
func (s *Switch) TryAdmin(args ...string) (string, error) {
	out, err := RunCmd(20*time.Second, "", s.Bin, append(args, "--data", s.Data)...)
	if err != nil {
		return out, fmt.Errorf("hookswitch %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return out, nil
}

// Serve starts the switch on free loopback ports with SIP over UDP, HTTPS
// and the WebRTC gateway (SIP over UDP and TCP with SIPOnly), plus the
// extra flags, and waits until it answers OPTIONS, retrying when a port
// was taken meanwhile.
func (s *Switch) Serve(t testing.TB, extra ...string) {
	t.Helper()
	var lastErr error
	for attempt := range 3 {
		n := 4 // SIP UDP, HTTPS or SIP TCP, WebRTC, admin HTTP
		ports, err := FreePorts(n)
		if err != nil {
			t.Fatal(err)
		}
		addr := func(port int) string { return "127.0.0.1:" + strconv.Itoa(port) }
		s.SIPUDP = ports[0]
		sipTCP, https, webrtc, httpAddr := "", "", "", ""
		if s.SIPOnly {
			s.SIPTCP = ports[1]
			sipTCP = addr(s.SIPTCP)
		} else {
			s.HTTPS, s.WebRTC = ports[1], ports[2]
			https, webrtc = addr(s.HTTPS), addr(s.WebRTC)
		}
		if s.AdminHTTP {
			s.HTTP = ports[3]
			httpAddr = addr(s.HTTP)
		}
		args := append([]string{"serve",
			"--data", s.Data,
			"--sip-udp", addr(s.SIPUDP),
			"--sip-tcp", sipTCP,
			"--sip-tls", "",
			"--https", https,
			"--webrtc", webrtc,
			"--advertise", "127.0.0.1",
			"--rtp-ports", fmt.Sprintf("%d-%d", SwitchRTPMin, SwitchRTPMax),
			"--rtp-ip", "127.0.0.1",
			"--http", httpAddr}, extra...)
		s.Proc = StartProc(t, fmt.Sprintf("hookswitch#%d", attempt+1), nil, s.Bin, args...)
		if lastErr = s.waitReady(15 * time.Second); lastErr == nil {
			return
		}
		s.Proc.Stop(syscall.SIGKILL, time.Second)
		t.Logf("switch not ready (attempt %d): %v\n%s", attempt+1, lastErr, s.Proc.Output())
	}
	t.Fatalf("switch did not become ready: %v", lastErr)
}

// waitReady waits until the switch answers OPTIONS over UDP and accepts
// TCP on its HTTPS port (or SIP TCP port with SIPOnly, and its admin HTTP
// port, when served).
func (s *Switch) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	if err := WaitOptions(s.Proc, "127.0.0.1:"+strconv.Itoa(s.SIPUDP), timeout); err != nil {
		return err
	}
	var lastErr error
	for time.Now().Before(deadline) {
		if s.SIPOnly {
			lastErr = tcpOpen("sip tcp", s.SIPTCP)
		} else {
			lastErr = tcpOpen("https", s.HTTPS)
		}
		if lastErr == nil && s.AdminHTTP {
			lastErr = tcpOpen("admin http", s.HTTP)
		}
		if lastErr == nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("switch not ready within %v: %w", timeout, lastErr)
}

// WaitOptions sends SIP OPTIONS over UDP to addr until a 200 comes back,
// p (the switch) exits or timeout passes.
func WaitOptions(p *Proc, addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var lastErr error
	for time.Now().Before(deadline) {
		if p.Exited() {
			return fmt.Errorf("switch exited: %v", p.Err())
		}
		status, err := sipOptions(addr, 500*time.Millisecond)
		if err == nil && status == 200 {
			return nil
		}
		lastErr = err
		if err == nil {
			lastErr = fmt.Errorf("OPTIONS answered %d", status)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("no 200 to OPTIONS at %s within %v: %w", addr, timeout, lastErr)
}

// tcpOpen checks that a loopback TCP port accepts.
func tcpOpen(what string, port int) error {
	c, err := net.DialTimeout("tcp4", "127.0.0.1:"+strconv.Itoa(port), time.Second)
	if err != nil {
		return fmt.Errorf("%s port: %w", what, err)
	}
	_ = c.Close()
	return nil
}

// CDRs lists the switch's CDRs.
func (s *Switch) CDRs(t testing.TB) []map[string]any {
	t.Helper()
	out := s.Admin(t, "cdr", "list", "--json")
	var recs []map[string]any
	if err := json.Unmarshal([]byte(out), &recs); err != nil {
		t.Fatalf("cdr list output is not a JSON array: %v\n%s", err, out)
	}
	return recs
}

// sipOptions sends one OPTIONS (RFC 3261 section 11) over UDP and returns
// the status code of the first final response.
func sipOptions(addr string, timeout time.Duration) (int, error) {
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
