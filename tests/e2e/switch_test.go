package e2e

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

// The switch's RTP port range; baresips use other ranges, so a peer that
// receives media from this range proves the media is anchored.
const (
	switchRTPMin = 30000
	switchRTPMax = 30999
)

// hookswitch is a built switch binary with its data directory.
type hookswitch struct {
	bin  string
	data string
}

// buildSwitch compiles cmd/hookswitch into a temporary directory.
func buildSwitch(t *testing.T) *hookswitch {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
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
	s := &hookswitch{bin: filepath.Join(dir, "hookswitch"), data: filepath.Join(dir, "data")}
	if out, err := runCmd(3*time.Minute, root, goBin, "build", "-o", s.bin, "./cmd/hookswitch"); err != nil {
		t.Fatalf("build switch: %v\n%s", err, out)
	}
	return s
}

// addExtension creates an extension while the switch is not running.
func (s *hookswitch) addExtension(t *testing.T, ext, password string) {
	t.Helper()
	if out, err := runCmd(20*time.Second, "", s.bin, "ext", "add", ext, "--password", password, "--data", s.data); err != nil {
		t.Fatalf("ext add %s: %v\n%s", ext, err, out)
	}
}

// serve starts the switch on free loopback ports and waits until it
// answers OPTIONS over UDP, retrying when a port was taken meanwhile. It
// returns the process and the SIP UDP port.
func (s *hookswitch) serve(t *testing.T) (*proc, int) {
	t.Helper()
	var lastErr error
	for attempt := range 3 {
		udpPort, err := freeSIPPort()
		if err != nil {
			t.Fatal(err)
		}
		tcpPort, err := freeSIPPort()
		if err != nil {
			t.Fatal(err)
		}
		if tcpPort == udpPort {
			continue
		}
		p := startProc(t, fmt.Sprintf("hookswitch#%d", attempt+1), nil, s.bin, "serve",
			"--data", s.data,
			"--sip-udp", "127.0.0.1:"+strconv.Itoa(udpPort),
			"--sip-tcp", "127.0.0.1:"+strconv.Itoa(tcpPort),
			"--advertise", "127.0.0.1",
			"--rtp-ports", fmt.Sprintf("%d-%d", switchRTPMin, switchRTPMax),
			"--rtp-ip", "127.0.0.1",
			"--http", "")
		if lastErr = waitOptions(p, "127.0.0.1:"+strconv.Itoa(udpPort), 15*time.Second); lastErr == nil {
			return p, udpPort
		}
		p.stop(syscall.SIGKILL, time.Second)
		t.Logf("switch not ready on udp %d / tcp %d (attempt %d): %v\n%s", udpPort, tcpPort, attempt+1, lastErr, p.out.String())
	}
	t.Fatalf("switch did not become ready: %v", lastErr)
	return nil, 0
}

// cdrs lists the CDRs of the stopped switch.
func (s *hookswitch) cdrs(t *testing.T) []map[string]any {
	t.Helper()
	out, err := runCmd(20*time.Second, "", s.bin, "cdr", "list", "--data", s.data, "--json")
	if err != nil {
		t.Fatalf("cdr list: %v\n%s", err, out)
	}
	var recs []map[string]any
	if err := json.Unmarshal([]byte(out), &recs); err != nil {
		t.Fatalf("cdr list output is not a JSON array: %v\n%s", err, out)
	}
	return recs
}

// waitOptions sends SIP OPTIONS over UDP to addr until a 200 comes back,
// the switch exits or timeout passes.
func waitOptions(p *proc, addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var lastErr error
	for time.Now().Before(deadline) {
		if p.exited() {
			return fmt.Errorf("switch exited: %v", p.err)
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

// sipOptions sends one OPTIONS (RFC 3261 section 11) and returns the
// status code of the first response.
func sipOptions(addr string, timeout time.Duration) (int, error) {
	c, err := net.Dial("udp4", addr)
	if err != nil {
		return 0, fmt.Errorf("dial %s: %w", addr, err)
	}
	defer c.Close()
	local := c.LocalAddr().String()
	id := randHex()
	req := "OPTIONS sip:" + addr + " SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP " + local + ";branch=z9hG4bK" + id + ";rport\r\n" +
		"Max-Forwards: 70\r\n" +
		"From: <sip:probe@" + local + ">;tag=" + id + "\r\n" +
		"To: <sip:" + addr + ">\r\n" +
		"Call-ID: " + id + "@127.0.0.1\r\n" +
		"CSeq: 1 OPTIONS\r\n" +
		"Accept: application/sdp\r\n" +
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
		if code >= 200 { // skip 1xx
			return code, nil
		}
	}
}

func randHex() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
