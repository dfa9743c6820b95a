package main

import (
	"strings"
	"testing"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/timecond"
)

// seedRoutes puts trunks t1, t2, the time condition office, and the
// rules' destinations (extensions 100, 101, queue 8000) in dir.
func seedRoutes(t *testing.T, dir string) {
	t.Helper()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, n := range []string{"t1", "t2"} {
		if err := st.PutTrunk(store.Trunk{Name: n, Kind: store.TrunkIP, Host: "sip.example.com", IPs: []string{"192.0.2.1"}}); err != nil {
			t.Fatal(err)
		}
	}
	weekly, _ := timecond.ParseSchedule("mon-fri 09:00-18:00")
	c, err := timecond.New("office", "UTC", weekly, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutTimeCondition(c); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"100", "101"} {
		if err := st.CreateExtension(store.Extension{Number: n, Password: "Secret-" + n + "-pw"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.PutQueue(store.Queue{Number: "8000"}); err != nil {
		t.Fatal(err)
	}
}

func TestRouteCLI(t *testing.T) {
	for _, mode := range []string{"data dir", "control socket"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			seedRoutes(t, dir)
			if mode == "control socket" {
				holdMediaDir(t, dir)
			}
			route := func(args ...string) (string, string, int) {
				return cli(t, append(append([]string{"route"}, args...), "--data", dir)...)
			}
			ok := func(args ...string) string {
				t.Helper()
				out, errs, code := route(args...)
				if code != 0 {
					t.Fatalf("route %v: %s", args, errs)
				}
				return out
			}
			fails := func(want string, args ...string) {
				t.Helper()
				if _, errs, code := route(args...); code == 0 || !strings.Contains(errs, want) {
					t.Fatalf("route %v: code %d, %q; want an error with %q", args, code, errs, want)
				}
			}
			// Inbound.
			if out := ok("inbound", "add", "uk", "--trunk", "t1", "--did", "00442012345670", "--caller", "0044********", "--dest", "queue:8000"); !strings.Contains(out, "inbound rule uk saved") {
				t.Fatalf("add: %q", out)
			}
			ok("inbound", "add", "day", "--trunk", "t2", "--did", "*", "--timecond", "office", "--dest", "ivr:main", "--closed", "voicemail:100")
			ok("inbound", "add", "vip", "--direct", "--did", "*", "--caller", "85337096", "--dest", "extension:101")
			fails("inbound rule uk", "inbound", "add", "london", "--did", "00442012345670", "--caller", "004420******", "--dest", "extension:100")
			fails("closed_destination", "inbound", "add", "x", "--did", "1", "--timecond", "office", "--dest", "hangup")
			fails(`no trunk named "t9"`, "inbound", "add", "x", "--trunk", "t9", "--did", "1", "--dest", "hangup")
			fails("destination", "inbound", "add", "x", "--did", "1")
			fails("group 600 does not exist", "inbound", "add", "x", "--did", "1", "--dest", "group:600")
			fails("did", "inbound", "add", "x", "--did", "1-9", "--dest", "hangup")
			out := ok("inbound", "list")
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 4 || !strings.HasPrefix(lines[1], "vip") || !strings.Contains(lines[2], "queue 8000") ||
				!strings.Contains(lines[3], "voicemail 100") || !strings.Contains(lines[3], "office") {
				t.Fatalf("inbound list:\n%s", out)
			}
			// Outbound.
			ok("outbound", "add", "local", "--pattern", "9:NXXXXXX:030", "--pattern", "9:0[1-5]X.", "--trunk", "t2", "--trunk", "t1",
				"--method", "linear-cycle", "--time-limit", "3600", "--caller-id", "trunk", "--max-len", "12")
			ok("outbound", "add", "intl", "--order", "-1", "--pattern", "00:X.:+", "--source", "100", "--source", "101", "--trunk", "t1")
			fails("a rule with no trunk", "outbound", "add", "x", "--pattern", "X.")
			fails("patterns[0]", "outbound", "add", "x", "--pattern", "9:NQX", "--trunk", "t1")
			fails("cannot match", "outbound", "add", "x", "--pattern", "9:NXXXXXX", "--max-len", "5", "--trunk", "t1")
			fails("time_limit", "outbound", "add", "x", "--pattern", "X.", "--trunk", "t1", "--time-limit", "10")
			fails("method", "outbound", "add", "x", "--pattern", "X.", "--trunk", "t1", "--method", "random")
			out = ok("outbound", "list")
			lines = strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 3 || !strings.HasPrefix(lines[1], "intl") || !strings.Contains(lines[1], "100,101") ||
				!strings.Contains(lines[2], "9:NXXXXXX:030") || !strings.Contains(lines[2], "t2,t1") || !strings.Contains(lines[2], "linear-cycle") ||
				!strings.Contains(lines[2], "3600s") {
				t.Fatalf("outbound list:\n%s", out)
			}
			// Removing.
			ok("inbound", "remove", "uk")
			fails("not found", "inbound", "remove", "uk")
			ok("outbound", "remove", "local")
			fails("not found", "outbound", "remove", "local")
			if out := ok("outbound", "list"); strings.Contains(out, "local") {
				t.Fatalf("local still listed:\n%s", out)
			}
			// Usage errors.
			fails("want inbound or outbound", "sideways", "list")
			fails("want list, add or remove", "inbound", "edit", "x")
			fails("want one NAME", "inbound", "add")
		})
	}
}
