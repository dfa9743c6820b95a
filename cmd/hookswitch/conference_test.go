package main

import (
	"net"
	"net/http"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/call"
	"github.com/hookswitch/hookswitch/switch/conference"
	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/media"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/web"
)

// liveRoom holds dir like a running switch with one conference room, 800,
// and caller "c1" in it; it returns the rooms and c1's result.
func liveRoom(t *testing.T, dir string) (*conference.Rooms, chan hook.ConferenceResult) {
	t.Helper()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := media.NewEngine(media.Config{BindIP: netip.MustParseAddr("127.0.0.1")})
	if err != nil {
		t.Fatal(err)
	}
	rooms := conference.New(e, nil, "", nil)
	sess, err := e.NewSession(nil)
	if err != nil {
		t.Fatal(err)
	}
	ep, err := e.Terminate(sess.A(), media.EndpointOptions{Codec: media.Codec{PT: 0, Name: "PCMU", Rate: 8000}, DTMFPT: 101})
	if err != nil {
		t.Fatal(err)
	}
	gone := make(chan struct{})
	res := make(chan hook.ConferenceResult, 1)
	go func() {
		r, _ := rooms.Join(ep, hook.ConferenceSpec{Room: "800"}, call.Member{CallID: "c1", Number: "1001", Gone: gone})
		res <- r
	}()
	ln, err := net.Listen("unix", filepath.Join(dir, socketName))
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: (&web.API{B: st, Rooms: rooms}).Handler()}
	go srv.Serve(ln)
	t.Cleanup(func() {
		close(gone)
		srv.Close()
		ep.Close()
		sess.Close()
		e.Close()
		st.Close()
	})
	return rooms, res
}

func TestConferenceCLI(t *testing.T) {
	dir := t.TempDir()
	if _, errs, code := cli(t, "conference", "list", "--data", dir); code == 0 || !strings.Contains(errs, "not running") {
		t.Fatalf("list without a running switch: code %d, %q", code, errs)
	}
	rooms, res := liveRoom(t, dir)
	deadline := time.Now().Add(5 * time.Second)
	for len(rooms.List()) == 0 || rooms.List()[0].Members[0].Joined.IsZero() {
		if time.Now().After(deadline) {
			t.Fatal("c1 never joined")
		}
		time.Sleep(10 * time.Millisecond)
	}
	conf := func(args ...string) (string, string, int) {
		return cli(t, append(append([]string{"conference"}, args...), "--data", dir)...)
	}
	if out, errs, code := conf("list"); code != 0 || !strings.Contains(out, "800") || !strings.Contains(out, "c1") {
		t.Fatalf("list: %d %q %q", code, out, errs)
	}
	if _, errs, code := conf("mute", "800", "c1", "on"); code != 0 {
		t.Fatalf("mute: %q", errs)
	}
	if !rooms.List()[0].Members[0].Muted {
		t.Fatal("mute did not mute")
	}
	if _, errs, code := conf("lock", "800", "maybe"); code == 0 || !strings.Contains(errs, "on or off") {
		t.Fatalf("lock maybe: %q", errs)
	}
	if _, errs, code := conf("lock", "800", "on"); code != 0 || !rooms.List()[0].Locked {
		t.Fatalf("lock: %q", errs)
	}
	if _, errs, code := conf("kick", "800", "nobody"); code == 0 || !strings.Contains(errs, "no such member") {
		t.Fatalf("kick of a stranger: %q", errs)
	}
	if _, errs, code := conf("kick", "800", "c1"); code != 0 {
		t.Fatalf("kick: %q", errs)
	}
	select {
	case r := <-res:
		if r.Reason != "kicked" {
			t.Fatalf("c1 left with %+v", r)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("kicked member still in the room")
	}
}
