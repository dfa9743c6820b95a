package integration

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/server"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/trunk"
)

// trunkEventScript keeps every trunk event it gets in kv, numbered.
const trunkEventScript = `
function event(ev)
  if ev.topic ~= "trunk_events" then return end
  local d = ev.data
  local n = tonumber(kv.get("trunk_events") or "0") + 1
  kv.set("trunk_events", tostring(n))
  kv.set("trunk_event/" .. n, table.concat({d.event, d.trunk, d.kind, d.reason, d.time}, "|"))
end
`

// trunkEvent is one event as the script stored it.
type trunkEvent struct{ event, trunk, kind, reason, time string }

// trunkEvents reads the events the script stored, in order.
func trunkEvents(t *testing.T, sw *testSwitch) []trunkEvent {
	t.Helper()
	v, _, err := sw.st.KVGet("default", "trunk_events")
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(v)
	var out []trunkEvent
	for i := 1; i <= n; i++ {
		v, ok, err := sw.st.KVGet("default", "trunk_event/"+strconv.Itoa(i))
		if err != nil || !ok {
			t.Fatalf("event %d of %d: %v", i, n, err)
		}
		f := strings.Split(v, "|")
		if len(f) != 5 {
			t.Fatalf("event %d: %q, want 5 fields", i, v)
		}
		out = append(out, trunkEvent{f[0], f[1], f[2], f[3], f[4]})
	}
	return out
}

// waitEvents waits for the script to have stored n events.
func waitEvents(t *testing.T, sw *testSwitch, n int, what string) []trunkEvent {
	t.Helper()
	var evs []trunkEvent
	waitFor(t, what, func() bool { evs = trunkEvents(t, sw); return len(evs) >= n })
	return evs
}

// A register trunk that comes up gives one trunk_connected, refreshes
// give none, and losing the registration gives trunk_disconnected with
// the provider's answer. An account that never works gives
// trunk_disconnected too, and a fixed trunk comes back.
func TestTrunkEvents(t *testing.T) {
	t.Parallel()
	// Bindings of 2 s: the trunk refreshes about every 1.7 s.
	provider, _ := newProvider(t, false, func(c *server.Config) {
		c.Registrar.MinExpires, c.Registrar.MaxExpires = time.Second, 2*time.Second
	})
	sw, _ := withScripts(t, trunkEventScript)
	up := store.Trunk{Name: "upstream", Kind: store.TrunkRegister, Host: provider.sip.String(),
		Username: "7001", Password: "Secret-7001-pw"}
	if err := sw.st.PutTrunk(up); err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(-time.Second) // event times have whole seconds
	if err := sw.srv.SyncTrunks(); err != nil {
		t.Fatal(err)
	}
	ev := waitEvents(t, sw, 1, "trunk_connected")[0]
	if ev.event != "trunk_connected" || ev.trunk != "upstream" || ev.kind != "register" || ev.reason != "registered" {
		t.Fatalf("first event %+v, want trunk_connected of upstream (register), registered", ev)
	}
	if at, err := time.Parse(time.RFC3339, ev.time); err != nil || at.Before(start.Truncate(time.Second)) || at.After(time.Now()) {
		t.Fatalf("event time %q (%v), want RFC 3339 of now", ev.time, err)
	}

	// Two refreshes later, still one event.
	registeredUntil := func() time.Time {
		st := sw.srv.Trunks.Status()
		if len(st) != 1 || st[0].Registration == nil || st[0].Registration.State != trunk.StateRegistered {
			return time.Time{}
		}
		return st[0].Registration.ExpiresAt
	}
	for range 2 {
		was := registeredUntil()
		waitFor(t, "a refresh", func() bool { return registeredUntil().After(was) })
	}
	if evs := trunkEvents(t, sw); len(evs) != 1 {
		t.Fatalf("after refreshes: %+v, want the one trunk_connected", evs)
	}

	// The provider no longer takes the password: the next refresh fails.
	e, err := provider.st.GetExtension("7001")
	if err != nil {
		t.Fatal(err)
	}
	e.Password = "Changed-7001-pw"
	if err := provider.st.UpdateExtension(e); err != nil {
		t.Fatal(err)
	}
	ev = waitEvents(t, sw, 2, "trunk_disconnected")[1]
	if ev.event != "trunk_disconnected" || ev.trunk != "upstream" || ev.reason != "registration lost: 403 Forbidden" {
		t.Fatalf("second event %+v, want trunk_disconnected, registration lost: 403 Forbidden", ev)
	}

	// The trunk gets the new password: it restarts and comes back.
	up.Password = "Changed-7001-pw"
	if err := sw.st.PutTrunk(up); err != nil {
		t.Fatal(err)
	}
	sw.srv.SyncTrunks()
	ev = waitEvents(t, sw, 3, "trunk_connected again")[2]
	if ev.event != "trunk_connected" || ev.trunk != "upstream" {
		t.Fatalf("third event %+v, want trunk_connected", ev)
	}

	// A trunk whose account never works, and its removal: only the failure.
	if err := sw.st.PutTrunk(store.Trunk{Name: "wrong", Kind: store.TrunkRegister, Host: provider.sip.String(),
		Username: "7001", Password: "Not-the-pw-1"}); err != nil {
		t.Fatal(err)
	}
	sw.srv.SyncTrunks()
	ev = waitEvents(t, sw, 4, "trunk_disconnected of the wrong account")[3]
	if ev.event != "trunk_disconnected" || ev.trunk != "wrong" || ev.reason != "registration failed: 403 Forbidden" {
		t.Fatalf("fourth event %+v, want trunk_disconnected of wrong, registration failed: 403 Forbidden", ev)
	}
	if err := sw.st.DeleteTrunk("wrong"); err != nil {
		t.Fatal(err)
	}
	sw.srv.SyncTrunks()

	// Removing a connected trunk says so.
	if err := sw.st.DeleteTrunk("upstream"); err != nil {
		t.Fatal(err)
	}
	sw.srv.SyncTrunks()
	evs := waitEvents(t, sw, 5, "trunk_disconnected of the removed trunk")
	if ev := evs[4]; ev.event != "trunk_disconnected" || ev.trunk != "upstream" || ev.reason != "removed" || len(evs) != 5 {
		t.Fatalf("events %+v, want a fifth and last: trunk_disconnected of upstream, removed", evs)
	}
}

// Qualify: a trunk whose peer does not answer is reported down, and up
// once it answers; the registration trunk above covers the register side.
func TestTrunkEventsQualify(t *testing.T) {
	t.Parallel()
	sw, _ := withScripts(t, trunkEventScript)
	peer := newSwitch(t, onAddress("127.0.0.2"))
	// An IP trunk qualified over TCP: a closed port is refused at once.
	if err := sw.st.PutTrunk(store.Trunk{Name: "gw", Kind: store.TrunkIP, Host: "127.0.0.3:9", Transport: "tcp",
		IPs: []string{"127.0.0.3"}, Qualify: 10}); err != nil {
		t.Fatal(err)
	}
	sw.srv.SyncTrunks()
	ev := waitEvents(t, sw, 1, "trunk_disconnected")[0]
	if ev.event != "trunk_disconnected" || ev.trunk != "gw" || ev.kind != "ip" || !strings.HasPrefix(ev.reason, "qualify: ") {
		t.Fatalf("event %+v, want trunk_disconnected of gw (ip), qualify: ...", ev)
	}
	// Pointed at a switch that answers: up.
	if err := sw.st.PutTrunk(store.Trunk{Name: "gw", Kind: store.TrunkIP, Host: peer.srv.Stack.Addr("tcp").String(),
		Transport: "tcp", IPs: []string{"127.0.0.2"}, Qualify: 10}); err != nil {
		t.Fatal(err)
	}
	sw.srv.SyncTrunks()
	ev = waitEvents(t, sw, 2, "trunk_connected")[1]
	if ev.event != "trunk_connected" || ev.trunk != "gw" || !strings.HasPrefix(ev.reason, "qualify: answered") {
		t.Fatalf("event %+v, want trunk_connected of gw, qualify: answered ...", ev)
	}
}
