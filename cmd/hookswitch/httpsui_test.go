package main

import (
	"crypto/tls"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// With --https the admin UI, the portal and the API are on the HTTPS port
// too (one handler with --http, so one login works on both); --https-ui=false
// keeps them off it.
func TestServeUIOnHTTPS(t *testing.T) {
	for _, on := range []bool{true, false} {
		dir := t.TempDir()
		if _, errs, code := cli(t, "cert", "generate", "--host", "127.0.0.1", "--data", dir); code != 0 {
			t.Fatalf("cert generate: %s", errs)
		}
		logs := &syncBuf{}
		done := make(chan error, 1)
		args := []string{"--data", dir, "--sip-udp", "127.0.0.1:0", "--sip-tcp", "", "--sip-tls", "", "--https", "127.0.0.1:0",
			"--advertise", "127.0.0.1", "--rtp-ports", "0-0", "--rtp-ip", "127.0.0.1", "--http", "", "--drain-timeout", "1s"}
		if !on {
			args = append(args, "--https-ui=false")
		}
		go func() { done <- serve(args, logs) }()
		var addr string
		for addr == "" {
			select {
			case err := <-done:
				t.Fatalf("serve stopped: %v\n%s", err, logs.String())
			default:
			}
			if m := regexp.MustCompile(`msg=https addr=(\S+)`).FindStringSubmatch(logs.String()); m != nil {
				addr = m[1]
			}
			time.Sleep(10 * time.Millisecond) // polling the log, not a timed assertion
		}
		client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
		get := func(path, user, password string) (int, string) {
			t.Helper()
			req, _ := http.NewRequest("GET", "https://"+addr+path, nil)
			if user != "" {
				req.SetBasicAuth(user, password)
			}
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
			return res.StatusCode, string(b)
		}
		page, body := get("/admin/", "", "")
		anon, _ := get("/api/v1/auth/me", "", "")
		me, meBody := get("/api/v1/auth/me", "admin", adminPassword(t, logs.String()))
		if on {
			if page != 200 || !strings.Contains(body, "<html") || anon != 401 || me != 200 || !strings.Contains(meBody, `"role":"admin"`) {
				t.Errorf("--https-ui: /admin/ %d, /api/v1/auth/me %d anonymous and %d as admin (%s)", page, anon, me, meBody)
			}
		} else if page != 404 || anon != 404 || me != 404 {
			t.Errorf("--https-ui=false: /admin/ %d, /api/v1/auth/me %d and %d, want 404s", page, anon, me)
		}
		client.CloseIdleConnections()
		syscall.Kill(os.Getpid(), syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Fatal("serve did not stop after SIGTERM")
		}
	}
}
