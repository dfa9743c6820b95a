package e2e

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/tests/browser"
)

// Two switches on loopback for trunk tests: the PBX (extensions, phones)
// on 127.0.0.1 and the provider on 127.0.0.2. A switch tells trunk calls
// by their source address, so the two need different addresses.
const (
	pbxIP  = "127.0.0.1"
	provIP = "127.0.0.2"
	// The provider's RTP range, apart from the PBX's (browser.SwitchRTPMin..Max)
	// and the phones' (34500-34699).
	provRTPPorts = "34000-34499"
)

// trunkSide is one switch of a trunk rig.
type trunkSide struct {
	label string
	sw    *browser.Switch
	ip    string
	rtp   string
	port  int // SIP UDP
	srv   *browser.Proc
	// trunk is the `hookswitch` command that points this side's trunk at
	// the peer's SIP port; run again when the peer moves to another port.
	trunk func(peerPort int) []string
}

func (s *trunkSide) addr() string { return s.ip + ":" + strconv.Itoa(s.port) }

// trunkRig is a PBX and a provider switch built from one binary, each
// with its own data dir, and the SIP ports they will listen on (chosen
// before configuration, since each side's trunk names the other's port).
type trunkRig struct {
	baresip   string
	pbx, prov *trunkSide
}

// newTrunkRig builds the switch, picks both SIP ports and creates each
// side's trunk with the command its trunk func returns for the peer's
// port, on the stopped switches' data dirs.
func newTrunkRig(t *testing.T, pbxTrunk, provTrunk func(peerPort int) []string) *trunkRig {
	t.Helper()
	bin := requireBaresip(t)
	sw := buildSwitch(t)
	prov := &browser.Switch{Bin: sw.Bin, Data: filepath.Join(t.TempDir(), "provider-data")}
	r := &trunkRig{
		baresip: bin,
		pbx:     &trunkSide{label: "pbx", sw: sw, ip: pbxIP, rtp: fmt.Sprintf("%d-%d", browser.SwitchRTPMin, browser.SwitchRTPMax), trunk: pbxTrunk},
		prov:    &trunkSide{label: "provider", sw: prov, ip: provIP, rtp: provRTPPorts, trunk: provTrunk},
	}
	for _, s := range []*trunkSide{r.pbx, r.prov} {
		for s.port == 0 || s == r.prov && s.port == r.pbx.port {
			p, err := browser.FreePort()
			if err != nil {
				t.Fatal(err)
			}
			s.port = p
		}
	}
	r.pbx.admin(t, r.pbx.trunk(r.prov.port)...)
	r.prov.admin(t, r.prov.trunk(r.pbx.port)...)
	return r
}

// admin runs a `hookswitch` admin command on the side's data dir: on the
// store itself while the switch is stopped, through its control socket
// while it runs.
func (s *trunkSide) admin(t *testing.T, args ...string) string {
	t.Helper()
	out, err := s.tryAdmin(args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// tryAdmin is admin for checks that should not end the test.
func (s *trunkSide) tryAdmin(args ...string) (string, error) {
	out, err := s.sw.TryAdmin(args...)
	if err != nil {
		return out, fmt.Errorf("%s: %w", s.label, err)
	}
	return out, nil
}

// start runs the provider, then the PBX (a register trunk finds its
// registrar up). When a port was taken meanwhile, the side moves to
// another and the peer's trunk is pointed there.
func (r *trunkRig) start(t *testing.T) {
	t.Helper()
	for _, pair := range [][2]*trunkSide{{r.prov, r.pbx}, {r.pbx, r.prov}} {
		s, peer := pair[0], pair[1]
		var err error
		for attempt := range 3 {
			if s.srv, err = s.serve(t, attempt); err == nil {
				break
			}
			t.Logf("%s not ready on %s (attempt %d): %v", s.label, s.addr(), attempt+1, err)
			port, perr := browser.FreePort()
			if perr != nil {
				t.Fatal(perr)
			}
			s.port = port
			peer.admin(t, peer.trunk(port)...)
		}
		if err != nil {
			t.Fatalf("%s did not become ready: %v", s.label, err)
		}
	}
}

// serve starts the side's switch with SIP and RTP bound to its address
// (TCP off: the trunks use UDP) and waits until it answers OPTIONS.
func (s *trunkSide) serve(t *testing.T, attempt int) (*browser.Proc, error) {
	t.Helper()
	p := browser.StartProc(t, fmt.Sprintf("hookswitch-%s#%d", s.label, attempt+1), nil, s.sw.Bin, "serve",
		"--data", s.sw.Data,
		"--sip-udp", s.addr(),
		"--sip-tcp", "",
		"--advertise", s.ip,
		"--rtp-ports", s.rtp,
		"--rtp-ip", s.ip,
		"--http", "")
	if err := browser.WaitOptions(p, s.addr(), 15*time.Second); err != nil {
		p.Stop(syscall.SIGKILL, time.Second)
		return nil, fmt.Errorf("%w\n%s", err, p.Output())
	}
	return p, nil
}

// stop ends both switches (the PBX first: it ended the calls) so their
// CDRs can be read from the data dirs.
func (r *trunkRig) stop(t *testing.T) {
	t.Helper()
	for _, s := range []*trunkSide{r.pbx, r.prov} {
		if !s.srv.Stop(syscall.SIGTERM, 10*time.Second) {
			t.Errorf("%s switch did not stop within 10s of SIGTERM", s.label)
		}
	}
}

// phone starts a baresip registered to the PBX as ext.
func (r *trunkRig) phone(t *testing.T, ext, toneWAV, rtpPorts, params string) *browser.Baresip {
	t.Helper()
	u := browser.StartBaresipConfig(t, r.baresip, browser.BaresipConfig{
		Name:     "baresip-" + ext,
		Account:  account(ext, r.pbx.addr(), passwords[ext]) + params,
		ToneWAV:  toneWAV,
		RTPPorts: rtpPorts,
	})
	if err := u.WaitOutput(browser.BaresipRegistered, 15*time.Second); err != nil {
		t.Fatalf("%s registration: %v", ext, err)
	}
	return u
}

// logWarnings logs both switches' ERROR and WARN lines: not what the
// tests check, but worth seeing.
func (r *trunkRig) logWarnings(t *testing.T) {
	t.Helper()
	for _, s := range []*trunkSide{r.pbx, r.prov} {
		for _, l := range strings.Split(s.srv.Output(), "\n") {
			if strings.Contains(l, "level=ERROR") || strings.Contains(l, "level=WARN") {
				t.Logf("%s: %s", s.label, l)
			}
		}
	}
}

// reTraced starts a message in baresip's -s trace: "UDP src -> dst".
var reTraced = regexp.MustCompile(`(?m)^UDP (\S+) -> (\S+)\r?\n`)

// tracedMsg is a SIP message from baresip's trace: start line and headers.
type tracedMsg struct {
	src, dst string
	msg      string
}

// tracedINVITE returns the first INVITE u received (in) or sent, or nil.
func tracedINVITE(u *browser.Baresip, in bool) *tracedMsg {
	out := u.Output()
	self := "127.0.0.1:" + strconv.Itoa(u.Port)
	for _, m := range reTraced.FindAllStringSubmatchIndex(out, -1) {
		src, dst, body := out[m[2]:m[3]], out[m[4]:m[5]], out[m[1]:]
		if !strings.HasPrefix(body, "INVITE ") || (dst == self) != in {
			continue
		}
		body = strings.ReplaceAll(body, "\r", "")
		if end := strings.Index(body, "\n\n"); end >= 0 {
			body = body[:end]
		}
		return &tracedMsg{src: src, dst: dst, msg: body}
	}
	return nil
}

// header returns the value of the message's first header called name.
func (m *tracedMsg) header(name string) string {
	for _, l := range strings.Split(m.msg, "\n")[1:] {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(strings.TrimSpace(k), name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// uriUser returns the user part of the SIP URI in a From or To value.
func uriUser(v string) string {
	_, rest, ok := strings.Cut(v, "sip:")
	if !ok {
		return ""
	}
	user, _, ok := strings.Cut(rest, "@")
	if !ok {
		return ""
	}
	return user
}
