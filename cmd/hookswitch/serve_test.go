package main

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/server"
	"github.com/hookswitch/hookswitch/switch/sip"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/web/wcp"
)

// syncBuf is a bytes.Buffer safe to read while serve writes its log.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// The admin CLI works against a running switch (through its control socket)
// and SIGTERM drains and stops it.
func TestCLIAgainstRunningSwitchAndSIGTERM(t *testing.T) {
	dir := t.TempDir()
	logs := &syncBuf{}
	done := make(chan error, 1)
	go func() {
		done <- serve([]string{"--data", dir, "--sip-udp", "127.0.0.1:0", "--sip-tcp", "127.0.0.1:0",
			"--advertise", "127.0.0.1", "--rtp-ports", "0-0", "--rtp-ip", "127.0.0.1", "--http", "127.0.0.1:0", "--drain-timeout", "5s"}, logs)
	}()
	sock := filepath.Join(dir, socketName)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped early: %v\n%s", err, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("control socket never appeared\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "password:") {
		t.Errorf("first run did not print the admin credential:\n%s", logs.String())
	}
	if out, errs, code := cli(t, "ext", "add", "2001", "--password", "Secret1234x", "--data", dir); code != 0 {
		t.Fatalf("ext add through the running switch: %q %q", out, errs)
	}
	out, _, code := cli(t, "ext", "list", "--data", dir)
	if code != 0 || !strings.Contains(out, "2001") {
		t.Fatalf("ext list through the running switch: %q", out)
	}
	if _, errs, code := cli(t, "ext", "add", "2001", "--password", "Secret1234x", "--data", dir); code == 0 || !strings.Contains(errs, "exists") {
		t.Fatalf("duplicate through the socket should say it exists: %q", errs)
	}
	if _, errs, code := cli(t, "reg", "list", "--data", dir); code != 0 {
		t.Fatalf("reg list: %q", errs)
	}
	if _, errs, code := cli(t, "cdr", "list", "--data", dir); code != 0 {
		t.Fatalf("cdr list: %q", errs)
	}
	// Scripts: the first run wrote the defaults to DATA/scripts; reload by CLI.
	if out, errs, code := cli(t, "script", "reload", "--data", dir); code != 0 || !strings.Contains(out, "generation 2") {
		t.Fatalf("script reload: %q %q", out, errs)
	}
	bad := filepath.Join(dir, "scripts", "broken.lua")
	if err := os.WriteFile(bad, []byte("function (\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errs, code := cli(t, "script", "reload", "--data", dir); code == 0 || !strings.Contains(errs, "broken.lua:1") {
		t.Fatalf("a broken script should fail the reload naming file:line, got %q", errs)
	}
	if _, errs, code := cli(t, "script", "check", "--data", dir); code == 0 || !strings.Contains(errs, "broken.lua:1") {
		t.Fatalf("script check should fail on the broken script, got %q", errs)
	}
	os.Remove(bad)
	// Plugins: the first run wrote the built-in ones; a bad upload is
	// refused with its reason, a good one installed and reloaded.
	shipped := filepath.Join(dir, "plugins", "dialplan.wasm")
	if _, err := os.Stat(shipped); err != nil {
		t.Fatalf("the first run did not write the built-in plugins: %v", err)
	}
	junk := filepath.Join(t.TempDir(), "junk.wasm")
	os.WriteFile(junk, []byte("not wasm"), 0o644)
	if _, errs, code := cli(t, "plugin", "add", junk, "--data", dir); code == 0 || !strings.Contains(errs, "not a valid WebAssembly module") {
		t.Fatalf("a bad plugin should be refused with the reason, got %q", errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "plugins", "junk.wasm")); err == nil {
		t.Fatal("a refused plugin was installed")
	}
	if out, errs, code := cli(t, "plugin", "add", shipped, "--name", "plan2.wasm", "--data", dir); code != 0 || !strings.Contains(out, "installed plan2.wasm: generation") {
		t.Fatalf("plugin add: %q %q", out, errs)
	}
	if out, errs, code := cli(t, "plugin", "list", "--data", dir); code != 0 || !strings.Contains(out, "plan2.wasm") || !strings.Contains(out, "billing.wasm") {
		t.Fatalf("plugin list through the running switch: %q %q", out, errs)
	}
	// The TCP admin API wants the admin credential.
	addr := adminAddr(t, logs.String())
	res, err := http.Get("http://" + addr + "/api/v1/status")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("admin API without credentials: %d, want 401", res.StatusCode)
	}
	req, _ := http.NewRequest("GET", "http://"+addr+"/metrics", nil)
	req.SetBasicAuth("admin", adminPassword(t, logs.String()))
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	// At least the CLI's failed reload (the file watcher may add its own).
	if res.StatusCode != 200 || !regexp.MustCompile(`hookswitch_script_reloads_total\{result="failed"\} [1-9]`).Match(body) {
		t.Fatalf("metrics with credentials: %d\n%s", res.StatusCode, body)
	}
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after SIGTERM")
	}
	if !strings.Contains(logs.String(), "draining") {
		t.Errorf("SIGTERM did not drain:\n%s", logs.String())
	}
	// The store is free again: the CLI opens it directly and sees 2001.
	out, _, _ = cli(t, "ext", "list", "--data", dir)
	if !strings.Contains(out, "2001") {
		t.Fatalf("2001 lost after stop: %q", out)
	}
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("control socket left behind: %v", err)
	}
}

// adminAddr finds the admin API address in serve's log.
func adminAddr(t *testing.T, logs string) string {
	m := regexp.MustCompile(`msg="admin api" addr=(\S+)`).FindStringSubmatch(logs)
	if m == nil {
		t.Fatalf("no admin api address in the log:\n%s", logs)
	}
	return m[1]
}

// adminPassword finds the first-run admin password in serve's output.
func adminPassword(t *testing.T, logs string) string {
	m := regexp.MustCompile(`password: (\S+)`).FindStringSubmatch(logs)
	if m == nil {
		t.Fatalf("no admin password in the output:\n%s", logs)
	}
	return m[1]
}

// --webrtc-public-ip and --stun refuse what is not an address or a STUN
// URI, naming the flag and the value.
func TestServeWebRTCFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--stun", "http://x"}, `--stun "http://x"`},
		{[]string{"--stun", "stun:ok.example.org,turn:relay.example.org"}, `--stun "turn:relay.example.org"`},
		{[]string{"--stun", "stun:"}, `--stun "stun:"`},
		{[]string{"--stun", "stun:host:99999"}, `--stun "stun:host:99999"`},
		{[]string{"--stun", "stun:a\tb"}, "--stun"},
		{[]string{"--stun", strings.Repeat("stun:s.example.org,", maxListItems+1)}, "--stun: 17 servers"},
		{[]string{"--webrtc-public-ip", "example.com"}, `--webrtc-public-ip "example.com": "example.com" is not a unicast IP address`},
		{[]string{"--webrtc-public-ip", "203.0.113.1,0.0.0.0"}, `"0.0.0.0" is not a unicast IP address`},
		{[]string{"--webrtc-public-ip", "ff02::1"}, `"ff02::1" is not`},
		{[]string{"--webrtc-public-ip", "fe80::1%eth0"}, `"fe80::1%eth0" is not`},
	} {
		args := append([]string{"--data", t.TempDir(), "--advertise", "127.0.0.1"}, tc.args...)
		err := serve(args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("serve %q: %v, want an error with %q", tc.args, err, tc.want)
		}
	}
}

// The flags reach the gateway and the pages: the public IP is in the
// gateway's ICE candidates, and the web phone's config.json hands the
// STUN servers to browsers. The environment gives the defaults.
func TestServeWebRTCFlags(t *testing.T) {
	t.Setenv("HOOKSWITCH_STUN", "stun:env.example.org")
	t.Setenv("HOOKSWITCH_WEBRTC_PUBLIC_IP", "198.51.100.1")
	f, err := parseServeFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if f.stun != "stun:env.example.org" || f.webrtcPublic != "198.51.100.1" {
		t.Errorf("from the environment: stun %q, public ip %q", f.stun, f.webrtcPublic)
	}

	dir := t.TempDir()
	if _, errs, code := cli(t, "cert", "generate", "--host", "127.0.0.1", "--data", dir); code != 0 {
		t.Fatalf("cert generate: %s", errs)
	}
	f, err = parseServeFlags([]string{"--data", dir, "--sip-udp", "127.0.0.1:0", "--sip-tcp", "", "--sip-tls", "",
		"--https", "127.0.0.1:0", "--webrtc", "127.0.0.1:0", "--advertise", "127.0.0.1", "--rtp-ports", "0-0", "--rtp-ip", "127.0.0.1",
		"--webrtc-public-ip", " 203.0.113.9 ", "--stun", "stun:stun.example.org:3478, stuns:stun2.example.org"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	cfg, err := f.config(log)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cfg.WebRTCPublicIPs, []string{"203.0.113.9"}) {
		t.Errorf("server config public IPs %q", cfg.WebRTCPublicIPs)
	}
	wantSTUN := []string{"stun:stun.example.org:3478", "stuns:stun2.example.org"}
	if !slices.Equal(cfg.STUNServers, wantSTUN) {
		t.Errorf("server config STUN servers %q, want %q", cfg.STUNServers, wantSTUN)
	}

	// The switch as serve builds it, HTTPS side included.
	httpsL, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.SIPWSSHandoff = sip.NewWSHandoff(httpsL.Addr())
	webUA := &wcp.BrowserUA{}
	cfg.Call.Browser = webUA.Owns
	st, err := store.Open(dir, store.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv, err := server.New(cfg, st)
	if err != nil {
		httpsL.Close()
		t.Fatal(err)
	}
	defer srv.Close()
	stop, err := serveHTTPS(httpsL, cfg.TLSConfig, cfg.SIPWSSHandoff, srv, webUA, nil, nil, log)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	plain := "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
	p, offer, err := srv.WebRTC.Offer([]byte(plain))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var cands []string
	for _, l := range strings.Split(string(offer), "\r\n") {
		if strings.HasPrefix(l, "a=candidate:") {
			cands = append(cands, l)
		}
	}
	t.Logf("candidates: %q", cands)
	if len(cands) == 0 {
		t.Fatalf("the gateway's offer has no candidates:\n%s", offer)
	}
	for _, c := range cands {
		if !strings.Contains(c, " 203.0.113.9 ") || !strings.Contains(c, " typ host") {
			t.Errorf("candidate %q does not advertise the public IP 203.0.113.9", c)
		}
	}

	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	defer client.CloseIdleConnections()
	res, err := client.Get("https://" + httpsL.Addr().String() + "/phone/config.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var pc struct {
		ICEServers []struct {
			URLs []string `json:"urls"`
		} `json:"iceServers"`
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 1<<16)).Decode(&pc); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("config.json: %d %v", res.StatusCode, err)
	}
	var got []string
	for _, s := range pc.ICEServers {
		got = append(got, s.URLs...)
	}
	if !slices.Equal(got, wantSTUN) {
		t.Errorf("config.json hands pages the ICE servers %q, want %q", got, wantSTUN)
	}
}
