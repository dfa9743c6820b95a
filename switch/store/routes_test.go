package store

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/timecond"
)

// routeStore has trunks t1 and t2, an office-hours condition, open
// Monday to Friday 09:00-18:00 UTC, and extensions 100-102 for the rules'
// destinations.
func routeStore(t *testing.T) *Store {
	t.Helper()
	s := openMem(t)
	for _, n := range []string{"100", "101", "102"} {
		if err := s.CreateExtension(Extension{Number: n, Password: "Secret-" + n + "-pw"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"t1", "t2"} {
		if err := s.PutTrunk(Trunk{Name: n, Kind: TrunkIP, Host: "sip.example.com", IPs: []string{"192.0.2.1"}}); err != nil {
			t.Fatal(err)
		}
	}
	weekly, err := timecond.ParseSchedule("mon-fri 09:00-18:00")
	if err != nil {
		t.Fatal(err)
	}
	c, err := timecond.New("office", "UTC", weekly, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutTimeCondition(c); err != nil {
		t.Fatal(err)
	}
	return s
}

func ext(n string) Destination { return Destination{Kind: DestExtension, Target: n} }

func wantErr(t *testing.T, err error, is error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want an error with %q", parts)
	}
	if is != nil && !errors.Is(err, is) {
		t.Fatalf("%v: want errors.Is %v", err, is)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("%v: want it to say %q", err, p)
		}
	}
}

func TestInboundRuleValidation(t *testing.T) {
	s := routeStore(t)
	good := func() InboundRule {
		return InboundRule{Name: "main", Trunks: []string{"t1"}, DID: "0302000", Destination: ext("100")}
	}
	for _, tc := range []struct {
		name  string
		edit  func(*InboundRule)
		field string
		parts []string
	}{
		{"no name", func(r *InboundRule) { r.Name = "" }, "name", nil},
		{"bad name", func(r *InboundRule) { r.Name = "a/b" }, "name", nil},
		{"unknown trunk", func(r *InboundRule) { r.Trunks = []string{"t1", "nope"} }, "trunks[1]", []string{`no trunk named "nope"`}},
		{"trunk twice", func(r *InboundRule) { r.Trunks = []string{"t1", "t1"} }, "trunks[1]", []string{"twice"}},
		{"no DID", func(r *InboundRule) { r.DID = "" }, "did", []string{"empty"}},
		{"DID range", func(r *InboundRule) { r.DID = "100-200" }, "did", []string{"not a range"}},
		{"DID prefix mask", func(r *InboundRule) { r.DID = "004420*" }, "did", nil},
		{"bad caller mask", func(r *InboundRule) { r.CallerMask = "4*4" }, "caller_mask", nil},
		{"unknown time condition", func(r *InboundRule) { r.TimeCondition = "night"; r.Closed = ext("101") }, "time_condition", []string{`no time condition named "night"`}},
		{"closed missing", func(r *InboundRule) { r.TimeCondition = "office" }, "closed_destination", []string{"required with a time condition"}},
		{"closed without condition", func(r *InboundRule) { r.Closed = ext("101") }, "closed_destination", []string{"only with a time condition"}},
		{"bad closed", func(r *InboundRule) {
			r.TimeCondition = "office"
			r.Closed = Destination{Kind: DestVoicemail, Target: "x"}
		}, "closed_destination", []string{"extension number"}},
		{"no destination", func(r *InboundRule) { r.Destination = Destination{} }, "destination", []string{"required"}},
		{"bad kind", func(r *InboundRule) { r.Destination = Destination{Kind: "fax", Target: "1"} }, "destination", []string{`"fax"`}},
		{"bad extension", func(r *InboundRule) { r.Destination = ext("1") }, "destination", []string{"extension number"}},
		{"bad external", func(r *InboundRule) { r.Destination = Destination{Kind: DestExternal, Target: "+44 20"} }, "destination", []string{"number"}},
		{"bad group", func(r *InboundRule) { r.Destination = Destination{Kind: DestGroup, Target: "sales"} }, "destination", []string{"ring group's number"}},
		{"bad queue", func(r *InboundRule) { r.Destination = Destination{Kind: DestQueue, Target: "8"} }, "destination", []string{"queue's number"}},
		{"bad ivr", func(r *InboundRule) { r.Destination = Destination{Kind: DestIVR, Target: "main menu"} }, "destination", []string{"name"}},
		// Extensions, groups and queues must exist; the closed
		// destination too; a voicemail box is its extension's.
		{"no such extension", func(r *InboundRule) { r.Destination = ext("109") }, "destination", []string{"extension 109 does not exist"}},
		{"no such group", func(r *InboundRule) { r.Destination = Destination{DestGroup, "601"} }, "destination", []string{"group 601 does not exist"}},
		{"no such queue", func(r *InboundRule) { r.Destination = Destination{DestQueue, "8001"} }, "destination", []string{"queue 8001 does not exist"}},
		{"no such box", func(r *InboundRule) { r.Destination = Destination{DestVoicemail, "109"} }, "destination", []string{"voicemail 109: extension 109 does not exist"}},
		{"no such closed", func(r *InboundRule) { r.TimeCondition = "office"; r.Closed = Destination{DestQueue, "8001"} }, "closed_destination", []string{"queue 8001 does not exist"}},
		{"hangup with target", func(r *InboundRule) { r.Destination = Destination{Kind: DestHangup, Target: "1"} }, "destination", []string{"no target"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := good()
			tc.edit(&r)
			err := s.PutInboundRule(r)
			wantErr(t, err, ErrInvalid, tc.parts...)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("%v: want field %s", err, tc.field)
			}
		})
	}
	// Every kind with a well-formed target is accepted: IVRs and
	// conferences (the scripts') by their syntax, the rest once they exist.
	if err := s.PutGroup(Group{Number: "600", Members: []string{"101"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutQueue(Queue{Number: "8000"}); err != nil {
		t.Fatal(err)
	}
	for i, d := range []Destination{ext("100"), {DestGroup, "600"}, {DestIVR, "main"}, {DestQueue, "8000"},
		{DestVoicemail, "100"}, {DestConference, "700"}, {DestExternal, "+4930123"}, {DestHangup, ""}} {
		r := good()
		r.Name, r.DID, r.Destination = "k"+string(rune('a'+i)), "555"+string(rune('0'+i)), d
		if err := s.PutInboundRule(r); err != nil {
			t.Fatalf("%v: %v", d, err)
		}
	}
	if _, err := s.GetInboundRule("nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get of no rule: %v", err)
	}
}

func TestInboundOverlapRefused(t *testing.T) {
	s := routeStore(t)
	put := func(r InboundRule) error {
		if r.Destination == (Destination{}) {
			r.Destination = ext("100")
		}
		return s.PutInboundRule(r)
	}
	// The seed's example: one DID, callers from the UK and from France.
	if err := put(InboundRule{Name: "uk", Trunks: []string{"t1"}, DID: "00442012345670", CallerMask: "0044********"}); err != nil {
		t.Fatal(err)
	}
	if err := put(InboundRule{Name: "fr", Trunks: []string{"t1"}, DID: "00442012345670", CallerMask: "0033********"}); err != nil {
		t.Fatal(err)
	}
	// London callers overlap the UK rule: refused, naming it, with a
	// caller that would match both.
	err := put(InboundRule{Name: "london", Trunks: []string{"t2", "t1"}, DID: "00442012345670", CallerMask: "004420******"})
	wantErr(t, err, ErrExists, "inbound rule uk", "trunk t1", "DID 00442012345670", "caller 004420")
	var ce *ConflictError
	if !errors.As(err, &ce) || ce.Other != "inbound rule uk" {
		t.Fatalf("%v: want a ConflictError naming uk", err)
	}
	// No caller mask overlaps every mask; any trunk overlaps t1.
	wantErr(t, put(InboundRule{Name: "all", DID: "00442012345670"}), ErrExists, "inbound rule fr", "caller 0033", "trunk t1")
	// Caller ranges: the witness is in both.
	if err := put(InboundRule{Name: "r1", Trunks: []string{"t2"}, DID: "777", CallerMask: "100-150"}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, put(InboundRule{Name: "r2", Trunks: []string{"t2"}, DID: "777", CallerMask: "140-199"}), ErrExists, "inbound rule r1", "caller 14")
	// Not conflicts: another trunk, another DID, disjoint masks, another
	// precedence (direct, or "*" under a number), and replacing itself.
	for _, r := range []InboundRule{
		{Name: "r3", Trunks: []string{"t1"}, DID: "777", CallerMask: "140-199"},
		{Name: "r4", Trunks: []string{"t2"}, DID: "778", CallerMask: "140-199"},
		{Name: "r5", Trunks: []string{"t2"}, DID: "777", CallerMask: "151-199"},
		{Name: "d1", Direct: true, DID: "777"},
		{Name: "any", Trunks: []string{"t2"}, DID: "*"},
		{Name: "r1", Trunks: []string{"t2"}, DID: "777", CallerMask: "100-149"},
	} {
		if err := put(r); err != nil {
			t.Fatalf("%s: %v", r.Name, err)
		}
	}
	// Two "*" rules on a trunk overlap at any DID.
	wantErr(t, put(InboundRule{Name: "any2", DID: "*"}), ErrExists, "inbound rule any", "any DID", "any caller")
	// Two direct rules on one DID, too.
	wantErr(t, put(InboundRule{Name: "d2", Direct: true, Trunks: []string{"t1"}, DID: "777"}), ErrExists, "inbound rule d1", "DID 777")
}

func TestInboundListOrderAndRoundTrip(t *testing.T) {
	s := routeStore(t)
	for _, r := range []InboundRule{
		{Name: "general-any", DID: "*", Destination: ext("100")},
		{Name: "general-b", Order: 2, DID: "200", Destination: ext("100")},
		{Name: "general-a", Order: 2, DID: "201", Destination: ext("100")},
		{Name: "general-first", Order: 1, DID: "202", TimeCondition: "office", Destination: Destination{DestIVR, "day"}, Closed: Destination{DestVoicemail, "100"}},
		{Name: "direct-caller", Direct: true, DID: "*", CallerMask: "85337096", Destination: ext("101")},
		{Name: "direct-did", Direct: true, Order: 9, DID: "94088322", Destination: ext("101")},
	} {
		if err := s.PutInboundRule(r); err != nil {
			t.Fatalf("%s: %v", r.Name, err)
		}
	}
	list, err := s.ListInboundRules()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range list {
		names = append(names, r.Name)
	}
	if got := strings.Join(names, " "); got != "direct-did direct-caller general-first general-a general-b general-any" {
		t.Fatalf("order: %s", got)
	}
	r, err := s.GetInboundRule("general-first")
	if err != nil {
		t.Fatal(err)
	}
	if r.TimeCondition != "office" || r.Closed != (Destination{DestVoicemail, "100"}) || r.CreatedAt.IsZero() {
		t.Fatalf("round trip: %+v", r)
	}
	created := r.CreatedAt
	r.Destination = ext("102")
	if err := s.PutInboundRule(r); err != nil {
		t.Fatal(err)
	}
	if r2, _ := s.GetInboundRule("general-first"); !r2.CreatedAt.Equal(created) || r2.Destination != ext("102") {
		t.Fatalf("replace: %+v", r2)
	}
	if err := s.DeleteInboundRule("general-first"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteInboundRule("general-first"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
}

func TestOutboundRuleValidation(t *testing.T) {
	s := routeStore(t)
	good := func() OutboundRule {
		return OutboundRule{Name: "pstn", Patterns: []OutboundPattern{{Prefix: "9", Pattern: "NXXXXXX"}}, Sources: []string{"*"}, Trunks: []string{"t1"}}
	}
	for _, tc := range []struct {
		name  string
		edit  func(*OutboundRule)
		field string
		parts []string
	}{
		{"no name", func(r *OutboundRule) { r.Name = "" }, "name", nil},
		{"no trunk", func(r *OutboundRule) { r.Trunks = nil }, "trunks", []string{"a rule with no trunk"}},
		{"unknown trunk", func(r *OutboundRule) { r.Trunks = []string{"t2", "gone"} }, "trunks[1]", []string{`no trunk named "gone"`}},
		{"trunk twice", func(r *OutboundRule) { r.Trunks = []string{"t1", "t2", "t1"} }, "trunks[2]", []string{"also trunks[0]"}},
		{"no pattern", func(r *OutboundRule) { r.Patterns = nil }, "patterns", []string{"at least one"}},
		{"bad pattern", func(r *OutboundRule) { r.Patterns[0].Pattern = "9ABC" }, "patterns[0]", []string{"pattern"}},
		{"bad prefix", func(r *OutboundRule) { r.Patterns[0].Prefix = "9a" }, "patterns[0]", []string{"dial prefix"}},
		{"bad prepend", func(r *OutboundRule) { r.Patterns[0].Prepend = "4+4" }, "patterns[0]", []string{"prepend"}},
		{"pattern cannot match", func(r *OutboundRule) { r.Patterns = []OutboundPattern{{Prefix: "00", Pattern: ""}} }, "patterns[0]", nil},
		{"pattern matches nothing", func(r *OutboundRule) { r.Patterns = []OutboundPattern{{Prefix: "9", Pattern: "!"}} }, "patterns[0]", []string{"empty number"}},
		{"length below pattern", func(r *OutboundRule) { r.MaxLen = 6 }, "patterns[0]", []string{"matches numbers of 8 symbols", "at most 6", "cannot match"}},
		{"length above pattern", func(r *OutboundRule) { r.MinLen = 9; r.MaxLen = 12 }, "patterns[0]", []string{"9-12"}},
		{"min over max", func(r *OutboundRule) { r.MinLen = 9; r.MaxLen = 8 }, "max_len", []string{"below min_len"}},
		{"negative length", func(r *OutboundRule) { r.MinLen = -1 }, "min_len", nil},
		{"no source", func(r *OutboundRule) { r.Sources = nil }, "sources", []string{`"*"`}},
		{"bad source", func(r *OutboundRule) { r.Sources = []string{"100", "x"} }, "sources[1]", []string{"extension number"}},
		{"star not alone", func(r *OutboundRule) { r.Sources = []string{"100", "*"} }, "sources[1]", []string{"alone"}},
		{"unknown time condition", func(r *OutboundRule) { r.TimeCondition = "night" }, "time_condition", []string{"no time condition"}},
		{"bad pin set", func(r *OutboundRule) { r.PINSet = "a b" }, "pin_set", nil},
		{"unknown pin set", func(r *OutboundRule) { r.PINSet = "nobody" }, "pin_set", []string{`no PIN set named "nobody"`}},
		{"bad caller id", func(r *OutboundRule) { r.CallerID = "mine" }, "caller_id", []string{`"extension", "trunk" or a fixed number`}},
		{"time limit low", func(r *OutboundRule) { r.TimeLimit = 59 }, "time_limit", []string{"60-31000"}},
		{"time limit high", func(r *OutboundRule) { r.TimeLimit = 31001 }, "time_limit", nil},
		{"bad method", func(r *OutboundRule) { r.Method = "random" }, "method", []string{"linear or linear-cycle"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := good()
			tc.edit(&r)
			err := s.PutOutboundRule(r)
			wantErr(t, err, ErrInvalid, tc.parts...)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("%v: want field %s", err, tc.field)
			}
		})
	}
	// Defaults are filled; bounds consistent with the pattern pass.
	if err := s.PutPINSet(PINSet{Name: "staff", PINs: []PIN{{PIN: "1234"}}}); err != nil {
		t.Fatal(err)
	}
	r := good()
	r.MinLen, r.MaxLen, r.TimeLimit, r.TimeCondition, r.PINSet = 8, 8, 60, "office", "staff"
	if err := s.PutOutboundRule(r); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetOutboundRule("pstn")
	if err != nil {
		t.Fatal(err)
	}
	if got.CallerID != CallerIDExtension || got.Method != MethodLinear || got.MinLen != 8 || got.PINSet != "staff" {
		t.Fatalf("stored: %+v", got)
	}
	if err := s.DeleteOutboundRule("pstn"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetOutboundRule("pstn"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

func TestDeleteInUseRefused(t *testing.T) {
	s := routeStore(t)
	if err := s.PutInboundRule(InboundRule{Name: "day", Trunks: []string{"t1"}, DID: "*", TimeCondition: "office",
		Destination: ext("100"), Closed: ext("101")}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutOutboundRule(OutboundRule{Name: "out", Patterns: []OutboundPattern{{Pattern: "0."}}, Sources: []string{"*"},
		Trunks: []string{"t2"}}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, s.DeleteTrunk("t1"), ErrExists, "delete trunk t1", "in use by inbound rule day")
	wantErr(t, s.DeleteTrunk("t2"), ErrExists, "in use by outbound rule out")
	wantErr(t, s.DeleteTimeCondition("office"), ErrExists, "delete time condition office", "inbound rule day")
	if err := s.DeleteInboundRule("day"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteTrunk("t1"); err != nil {
		t.Fatalf("t1 once unused: %v", err)
	}
	if err := s.DeleteTimeCondition("office"); err != nil {
		t.Fatalf("office once unused: %v", err)
	}
	if err := s.DeleteTrunk("t1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing trunk: %v", err)
	}
}

func TestMatchInbound(t *testing.T) {
	s := routeStore(t)
	for _, n := range []string{"8000", "9000"} {
		if err := s.PutQueue(Queue{Number: n}); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []InboundRule{
		{Name: "office", Trunks: []string{"t1"}, DID: "5550", TimeCondition: "office", Destination: Destination{DestIVR, "day"}, Closed: Destination{DestVoicemail, "100"}},
		{Name: "vip", Direct: true, DID: "*", CallerMask: "85337096", Destination: ext("101")},
		{Name: "boss", Direct: true, DID: "5551", Destination: ext("102")},
		{Name: "uk", Trunks: []string{"t2"}, DID: "00442012345670", CallerMask: "0044********", Destination: Destination{DestQueue, "8000"}},
		{Name: "fr", Trunks: []string{"t2"}, DID: "00442012345670", CallerMask: "0033********", Destination: Destination{DestQueue, "9000"}},
		{Name: "rest", DID: "*", Destination: Destination{DestIVR, "main"}},
	} {
		if err := s.PutInboundRule(r); err != nil {
			t.Fatalf("%s: %v", r.Name, err)
		}
	}
	rules, err := s.ListInboundRules()
	if err != nil {
		t.Fatal(err)
	}
	monday10 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	sunday10 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name               string
		at                 time.Time
		trunk, did, caller string
		want               string
		wantOpen           bool
	}{
		{"office hours", monday10, "t1", "5550", "0301", "office", true},
		{"out of hours", sunday10, "t1", "5550", "0301", "office", false},
		{"other trunk falls to *", monday10, "t2", "5550", "0301", "rest", true},
		{"direct caller beats the time condition", sunday10, "t1", "5550", "85337096", "vip", true},
		{"direct DID from any trunk", sunday10, "t9", "5551", "0301", "boss", true},
		{"UK caller", monday10, "t2", "00442012345670", "004412345678", "uk", true},
		{"French caller", monday10, "t2", "00442012345670", "003312345678", "fr", true},
		{"other caller falls to *", monday10, "t2", "00442012345670", "0049123", "rest", true},
		{"mask length is exact", monday10, "t2", "00442012345670", "00441234567", "rest", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			open, err := s.OpenAt(tc.at)
			if err != nil {
				t.Fatal(err)
			}
			r, isOpen := MatchInbound(rules, tc.trunk, tc.did, tc.caller, open)
			if r == nil || r.Name != tc.want || isOpen != tc.wantOpen {
				t.Fatalf("got %v %v, want %s %v", r, isOpen, tc.want, tc.wantOpen)
			}
		})
	}
	// An override closes the office at once.
	if err := s.SetOverride("office", timecond.Override{Mode: timecond.Closed}); err != nil {
		t.Fatal(err)
	}
	open, _ := s.OpenAt(monday10)
	if r, isOpen := MatchInbound(rules, "t1", "5550", "0301", open); r.Name != "office" || isOpen {
		t.Fatalf("override: %v %v", r.Name, isOpen)
	}
	// Hand-built rules in any order match by precedence, and a missing
	// condition counts as closed.
	hand := []InboundRule{
		{Name: "b", DID: "*", Destination: ext("100")},
		{Name: "a", DID: "42", TimeCondition: "gone", Destination: ext("100"), Closed: ext("101")},
	}
	if r, isOpen := MatchInbound(hand, "t1", "42", "", open); r != &hand[1] || isOpen {
		t.Fatalf("hand-built: %v %v", r, isOpen)
	}
	if r, _ := MatchInbound(hand[1:], "t1", "43", "", open); r != nil {
		t.Fatalf("no match: %v", r)
	}
	if allocs := testing.AllocsPerRun(100, func() { MatchInbound(rules, "t2", "00442012345670", "003312345678", open) }); allocs != 0 {
		t.Fatalf("MatchInbound allocates %v times", allocs)
	}
}

func TestMatchOutbound(t *testing.T) {
	s := routeStore(t)
	for _, r := range []OutboundRule{
		{Name: "intl", Order: 1, Patterns: []OutboundPattern{{Prefix: "00", Pattern: "X.", Prepend: "+"}}, Sources: []string{"100", "101"}, Trunks: []string{"t2", "t1"}},
		{Name: "local", Order: 2, Patterns: []OutboundPattern{{Prefix: "9", Pattern: "NXXXXXX", Prepend: "030"}, {Prefix: "9", Pattern: "0[1-5]X."}},
			Sources: []string{"*"}, MaxLen: 12, Trunks: []string{"t1", "t2"}, Method: MethodLinearCycle},
		{Name: "fallback", Order: 3, Patterns: []OutboundPattern{{Pattern: "X."}}, Sources: []string{"*"}, MinLen: 4, Trunks: []string{"t1"}},
	} {
		if err := s.PutOutboundRule(r); err != nil {
			t.Fatalf("%s: %v", r.Name, err)
		}
	}
	rules, err := s.ListOutboundRules()
	if err != nil {
		t.Fatal(err)
	}
	if rules[0].Name != "intl" || rules[0].Trunks[0] != "t2" || rules[0].Trunks[1] != "t1" {
		t.Fatalf("order: %+v", rules[0])
	}
	for _, tc := range []struct {
		ext, number, want, dialled string
	}{
		{"100", "0044201234", "intl", "+44201234"},
		{"102", "0044201234", "fallback", "0044201234"}, // intl is not for 102
		{"102", "92345678", "local", "0302345678"},
		{"102", "90301234", "local", "0301234"},
		{"102", "9012345678901", "fallback", "9012345678901"}, // over local's max_len
		{"102", "123", "", ""},                                // under fallback's min_len
	} {
		r, dialled := MatchOutbound(rules, tc.ext, tc.number)
		name := ""
		if r != nil {
			name = r.Name
		}
		if name != tc.want || dialled != tc.dialled {
			t.Fatalf("%s dials %s: got %q %q, want %q %q", tc.ext, tc.number, name, dialled, tc.want, tc.dialled)
		}
	}
	// Hand-built rules compile on the fly; an invalid one matches nothing.
	hand := []OutboundRule{
		{Name: "bad", Patterns: []OutboundPattern{{Pattern: "X."}}, Sources: []string{"*"}},
		{Name: "ok", Patterns: []OutboundPattern{{Prefix: "0", Pattern: "X."}}, Sources: []string{"*"}, Trunks: []string{"t"}},
	}
	if r, d := MatchOutbound(hand, "100", "0123"); r == nil || r.Name != "ok" || d != "123" {
		t.Fatalf("hand-built: %v %q", r, d)
	}
	if allocs := testing.AllocsPerRun(100, func() { MatchOutbound(rules, "102", "92345678") }); allocs > 1 {
		t.Fatalf("MatchOutbound allocates %v times (the prepend only)", allocs)
	}
}

func BenchmarkMatchInbound(b *testing.B) {
	rules := make([]InboundRule, 0, 200)
	for i := range 200 {
		r := InboundRule{Name: "r" + string(rune('a'+i%26)) + string(rune('a'+i/26)), DID: "55" + string(rune('0'+i/100)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10)), Destination: ext("100")}
		if err := r.Validate(); err != nil {
			b.Fatal(err)
		}
		rules = append(rules, r)
	}
	open := func(string) bool { return true }
	b.ReportAllocs()
	for b.Loop() {
		if r, _ := MatchInbound(rules, "t1", "55199", "0301", open); r == nil {
			b.Fatal("no match")
		}
	}
}

func BenchmarkMatchOutbound(b *testing.B) {
	rules := make([]OutboundRule, 0, 50)
	for i := range 50 {
		r := OutboundRule{Name: "r", Patterns: []OutboundPattern{{Prefix: string(rune('0' + i%10)), Pattern: "NXXXXXX"}}, Sources: []string{"100", "101"}, Trunks: []string{"t1"}}
		if i == 49 {
			r.Sources = []string{"*"}
		}
		if err := r.Validate(); err != nil {
			b.Fatal(err)
		}
		rules = append(rules, r)
	}
	b.ReportAllocs()
	for b.Loop() {
		if r, _ := MatchOutbound(rules, "102", "92345678"); r == nil {
			b.Fatal("no match")
		}
	}
}

// FuzzRuleJSON feeds arbitrary rule records (as the API and a damaged
// store would) through Validate and the matchers: no panics, and a rule
// that validates matches a call it was built for only by its own terms.
func FuzzRuleJSON(f *testing.F) {
	f.Add([]byte(`{"name":"a","did":"*","caller_mask":"0044**","destination":{"kind":"hangup"}}`), []byte(`{"name":"o","patterns":[{"prefix":"9","pattern":"NXX.","prepend":"+"}],"sources":["*"],"trunks":["t"],"min_len":3}`), "t", "123", "0044123")
	f.Add([]byte(`{"name":"b","did":"5550;","trunks":["t"],"time_condition":"x","destination":{"kind":"extension","target":"100"},"closed_destination":{"kind":"voicemail","target":"100"}}`), []byte(`{"patterns":[{"pattern":"[1-5]!"}]}`), "t", "5550", "")
	f.Fuzz(func(t *testing.T, in, out []byte, trunk, number, caller string) {
		var ir InboundRule
		if json.Unmarshal(in, &ir) == nil {
			valid := ir.Validate() == nil
			r, _ := MatchInbound([]InboundRule{ir}, trunk, number, caller, func(string) bool { return false })
			if r != nil && !valid {
				t.Fatalf("an invalid rule matched: %+v", ir)
			}
			if r != nil && !ir.mask.Match(caller) {
				t.Fatalf("matched a caller its mask refuses: %+v %q", ir, caller)
			}
		}
		var or OutboundRule
		if json.Unmarshal(out, &or) == nil {
			valid := or.Validate() == nil
			r, dialled := MatchOutbound([]OutboundRule{or}, "100", number)
			if r == nil {
				return
			}
			if !valid {
				t.Fatalf("an invalid rule matched: %+v", or)
			}
			found := false // dialled is some pattern's prepend plus the number without its prefix
			for _, p := range or.Patterns {
				found = found || strings.HasPrefix(number, p.Prefix) && dialled == p.Prepend+number[len(p.Prefix):]
			}
			if !found {
				t.Fatalf("%+v rewrote %q to %q", or, number, dialled)
			}
		}
	})
}

// A dial rule's source may be a ring group: it applies to the group's
// members.
func TestMatchOutboundGroupSource(t *testing.T) {
	rules := []OutboundRule{{Name: "sales", Patterns: []OutboundPattern{{Pattern: "0X."}}, Sources: []string{"600"},
		Trunks: []string{"up"}}}
	if err := rules[0].Validate(); err != nil {
		t.Fatal(err)
	}
	if r, _ := MatchOutbound(rules, "1001", "0301234"); r != nil {
		t.Fatal("the rule applied to an extension outside its group")
	}
	if r, d := MatchOutbound(rules, "1001", "0301234", "599", "600"); r == nil || d != "0301234" {
		t.Fatalf("a member of group 600: %v %q", r, d)
	}
}

func TestTrunkClassValidated(t *testing.T) {
	tr := Trunk{Name: "gw", Kind: TrunkIP, Host: "127.0.0.1", IPs: []string{"127.0.0.1"}, Class: "galactic"}
	if err := tr.Validate(); err == nil {
		t.Fatal("an unknown class was accepted")
	}
	tr.Class = "national"
	if err := tr.Validate(); err != nil {
		t.Fatal(err)
	}
}
