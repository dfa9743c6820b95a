package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The commands that only the running switch answers, against a real
// serve: trace (of a real INVITE over UDP), ping, logs (and --follow),
// stats, backup list, plugin history/rollback/delete; and each says the
// switch is needed once it has stopped.
func TestLiveCommandsAgainstRunningSwitch(t *testing.T) {
	dir, bdir := t.TempDir(), filepath.Join(t.TempDir(), "bk")
	logs := &syncBuf{}
	done := make(chan error, 1)
	go func() {
		done <- serve([]string{"--data", dir, "--sip-udp", "127.0.0.1:0", "--sip-tcp", "", "--sip-tls", "",
			"--advertise", "127.0.0.1", "--rtp-ports", "0-0", "--rtp-ip", "127.0.0.1", "--http", "",
			"--backup-every", "1h", "--backup-dir", bdir, "--drain-timeout", "1s"}, logs)
	}()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		syscall.Kill(os.Getpid(), syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Fatal("serve did not stop after SIGTERM")
		}
	}
	defer stop()
	var sipAddr string
	for sipAddr == "" { // polling for the ready line, not a timed assertion
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s", err, logs.String())
		default:
		}
		if m := regexp.MustCompile(`msg="hookswitch ready" .*udp=(127\.0\.0\.1:\d+)`).FindStringSubmatch(logs.String()); m != nil {
			sipAddr = m[1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	run := func(args ...string) (string, string, int) { return cli(t, append(args, "--data", dir)...) }

	// A call's trace: an INVITE from an unknown caller, answered 407.
	c, err := net.Dial("udp", sipAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	lp := c.LocalAddr().String()
	fmt.Fprintf(c, "INVITE sip:2001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bKclitrace\r\nMax-Forwards: 70\r\n"+
		"From: <sip:9999@127.0.0.1>;tag=a1\r\nTo: <sip:2001@127.0.0.1>\r\nCall-ID: cli-trace/1@test\r\nCSeq: 1 INVITE\r\n"+
		"Contact: <sip:9999@%s>\r\nContent-Length: 0\r\n\r\n", lp, lp)
	buf := make([]byte, 4096)
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := c.Read(buf); err != nil || !bytes.HasPrefix(buf[:n], []byte("SIP/2.0 407")) {
		t.Fatalf("the INVITE's answer: %q %v", buf[:n], err)
	}
	out, errs, code := run("trace", "cli-trace/1@test")
	if code != 0 || !regexp.MustCompile(`(?m)^\s+1 .*\|-- INVITE -+>\|  udp$`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^\s+2 .*\|<- 407 Proxy Auth\S* -+\|  udp$`).MatchString(out) ||
		!strings.Contains(out, lp) || !strings.Contains(out, sipAddr) {
		t.Fatalf("trace ladder: %q %s", out, errs)
	}
	if out, _, _ := run("trace", "cli-trace/1@test", "--raw"); !strings.Contains(out, "Proxy-Authenticate: Digest") {
		t.Fatalf("trace --raw lacks the 407's header:\n%s", out)
	}
	pcap := filepath.Join(t.TempDir(), "call.pcap")
	if out, errs, code := run("trace", "cli-trace/1@test", "--pcap", pcap); code != 0 || !strings.Contains(out, "wrote "+pcap) {
		t.Fatalf("trace --pcap: %q %s", out, errs)
	}
	if b, _ := os.ReadFile(pcap); len(b) < 24 || !bytes.Equal(b[:4], []byte{0xd4, 0xc3, 0xb2, 0xa1}) || !bytes.Contains(b, []byte("INVITE sip:2001@127.0.0.1")) {
		t.Fatalf("pcap file: %d bytes % x", len(b), b[:min(len(b), 8)])
	}
	if _, errs, code := run("trace", "no-such-call"); code == 0 || !strings.Contains(errs, "no trace") {
		t.Errorf("trace of an unknown call: %q", errs)
	}
	if _, errs, code := run("trace"); code == 0 || !strings.Contains(errs, "want one CALL_ID") {
		t.Errorf("trace without an id: %q", errs)
	}

	// Ping the switch itself, and what is no target.
	if out, errs, code := run("ping", "sip:"+sipAddr); code != 0 || !strings.Contains(out, "200 OK in ") {
		t.Fatalf("ping: %q %s", out, errs)
	}
	if _, errs, code := run("ping", "2001"); code == 0 || !strings.Contains(errs, "invalid target") {
		t.Errorf("ping of no target: %q", errs)
	}

	// Logs: the ready record, filtered; a bad level names the flag.
	out, errs, code = run("logs", "--grep", "hookswitch ready", "--level", "info")
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(out, "INFO  hookswitch ready") || !strings.Contains(out, "udp="+sipAddr) {
		t.Fatalf("logs --grep: %q %s", out, errs)
	}
	if _, errs, code := run("logs", "--level", "loud"); code == 0 || !strings.Contains(errs, "--level") {
		t.Errorf("logs --level loud: %q", errs)
	}

	// Stats: the INVITE was refused before it became a call; the hour is there.
	if out, errs, code := run("stats", "--hours", "1"); code != 0 || !strings.Contains(out, "total") || strings.Contains(out, "not running") {
		t.Fatalf("stats: %q %s", out, errs)
	}

	// Scheduled backups: on, the first written at start.
	if out, errs, code := run("backup", "list"); code != 0 || !strings.Contains(out, "every 1h0m0s into "+bdir) {
		t.Fatalf("backup list: %q %s", out, errs)
	}

	// Plugins: replace one, see its history, roll back, delete.
	shipped := filepath.Join(dir, "plugins", "dialplan.wasm")
	if _, errs, code := run("plugin", "add", shipped, "--name", "extra.wasm"); code != 0 {
		t.Fatal(errs)
	}
	if _, errs, code := run("plugin", "add", shipped, "--name", "extra.wasm"); code != 0 { // a replace keeps the first
		t.Fatal(errs)
	}
	out, errs, code = run("plugin", "history", "extra.wasm")
	if code != 0 || strings.Count(strings.TrimSpace(out), "\n") != 1 {
		t.Fatalf("plugin history: %q %s", out, errs)
	}
	if out, errs, code := run("plugin", "rollback", "extra.wasm"); code != 0 || !strings.Contains(out, "rolled extra.wasm back to version") {
		t.Fatalf("plugin rollback: %q %s", out, errs)
	}
	if _, errs, code := run("plugin", "rollback", "extra.wasm"); code == 0 || !strings.Contains(errs, "no earlier version") {
		t.Errorf("a second rollback: %q", errs)
	}
	if out, errs, code := run("plugin", "delete", "extra.wasm"); code != 0 || !strings.Contains(out, "deleted extra.wasm") {
		t.Fatalf("plugin delete: %q %s", out, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "plugins", "extra.wasm")); !os.IsNotExist(err) {
		t.Errorf("extra.wasm still there: %v", err)
	}
	if _, errs, code := run("plugin", "delete", "../x.wasm"); code == 0 || !strings.Contains(errs, "NAME") {
		t.Errorf("plugin delete of a bad name: %q", errs)
	}

	// logs --follow prints what is logged after it started (--limit 0:
	// nothing older), until interrupted: reload the scripts (a record each
	// time) until the follower has printed one. SIGTERM then stops the
	// switch and the follower (one process here) alike.
	fout := &syncBuf{}
	ferr := make(chan int, 1)
	go func() { ferr <- run2(fout, "logs", "--limit", "0", "--follow", "--data", dir) }()
	for !strings.Contains(fout.String(), "scripts reloaded") {
		if _, errs, code := run("script", "reload"); code != 0 {
			t.Fatal(errs)
		}
		time.Sleep(20 * time.Millisecond) // polling, not a timed assertion
	}
	stop()
	if code := <-ferr; code != 0 || strings.Contains(fout.String(), "hookswitch ready") {
		t.Fatalf("logs --follow (exit %d): %q", code, fout.String())
	}

	// Stopped: each says it needs the running switch.
	for _, args := range [][]string{{"trace", "x"}, {"ping", "sip:127.0.0.1"}, {"logs"}, {"plugin", "delete", "billing.wasm"}} {
		if _, errs, code := run(args...); code == 0 || !strings.Contains(errs, "needs the running switch") {
			t.Errorf("%v with the switch stopped: %q", args, errs)
		}
	}
	if out, _, code := run("backup", "list", "--dir", bdir); code != 0 || !strings.Contains(out, "hookswitch-backup-") {
		t.Errorf("backup list of the stopped switch's --backup-dir: %q", out)
	}
}

// run2 runs the CLI with stdout w and answers its exit code.
func run2(w *syncBuf, args ...string) int {
	var errb bytes.Buffer
	return run(args, w, &errb)
}
