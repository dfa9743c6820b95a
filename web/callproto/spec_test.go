package callproto

import (
	"strings"
	"testing"
)

func TestCatalogueComplete(t *testing.T) {
	cs := Commands()
	if len(cs) != 15 {
		t.Fatalf("%d commands, want 15 (1000-1014)", len(cs))
	}
	names := map[string]bool{}
	for i, c := range cs {
		if c.Op != 1000+i {
			t.Errorf("command %d has op %d", i, c.Op)
		}
		if ack, _ := AckOp(c.Op); c.Ack != ack {
			t.Errorf("op %d: Ack %d, want %d", c.Op, c.Ack, ack)
		}
		if names[c.Name] || c.Name == "" || c.Doc == "" {
			t.Errorf("op %d: name %q (dup or empty) or no doc", c.Op, c.Name)
		}
		names[c.Name] = true
		if c.Meaning(CodeProcessing) == "" || c.Meaning(CodeParamError) == "" {
			t.Errorf("op %d: codes %v lack 0 or -2", c.Op, c.Codes)
		}
		if c.Meaning(1) != "" {
			t.Errorf("op %d: code 1 has a meaning", c.Op)
		}
		checkFieldSpecs(t, c.Name, c.Fields)
		checkFieldSpecs(t, c.Name+"-ack", c.AckFields)
	}
	es := Events()
	if len(es) != 12 {
		t.Fatalf("%d events, want 12 (9001-9012)", len(es))
	}
	for i, e := range es {
		if e.Op != 9001+i || e.Name == "" || e.Doc == "" || names[e.Name] {
			t.Errorf("event %d: %+v", i, e)
		}
		names[e.Name] = true
		checkFieldSpecs(t, e.Name, e.Fields)
	}
}

func checkFieldSpecs(t *testing.T, what string, fs []FieldSpec) {
	t.Helper()
	seen := map[string]bool{}
	for _, f := range fs {
		if f.ok == nil || f.Syntax == "" || f.Doc == "" || !validKey(f.Key) || f.Key == KeyOp || f.Key == KeySeq || seen[f.Key] {
			t.Errorf("%s: field %+v", what, f)
		}
		seen[f.Key] = true
	}
}

func TestSpecLookup(t *testing.T) {
	for _, op := range []int{0, 999, 1015, 2001, 4001, 9001} {
		if _, ok := Spec(op); ok {
			t.Errorf("Spec(%d) found", op)
		}
	}
	for _, op := range []int{9000, 9013, 1001, 2000} {
		if _, ok := EventSpecOf(op); ok {
			t.Errorf("EventSpecOf(%d) found", op)
		}
	}
	c, ok := Spec(OpRegister)
	if !ok || c.Ack != AckRegister || c.Name != "register" || c.Meaning(CodeRefused) != "Stop existing register first" {
		t.Fatalf("Spec(1001) = %+v", c)
	}
	// Results are copies.
	c.Fields[0].Key = "mutated"
	c.Codes[0].Meaning = "mutated"
	again, _ := Spec(OpRegister)
	if again.Fields[0].Key != KeyTel || again.Codes[0].Meaning == "mutated" {
		t.Error("Spec shares the catalogue's slices")
	}
	e, _ := EventSpecOf(EvBLFState)
	e.Fields[0].Key = "mutated"
	if again, _ := EventSpecOf(EvBLFState); again.Fields[0].Key != KeyState {
		t.Error("EventSpecOf shares the catalogue's slices")
	}
	// The seed's typos, fixed.
	if e, _ := EventSpecOf(EvSecondCallState); e.Op != 9007 || e.Name != "second-call-state" {
		t.Errorf("9007 = %+v", e)
	}
	if e, _ := EventSpecOf(EvBLFState); strings.Contains(fieldKeys(e.Fields), "sea") {
		t.Error("9012 has sea")
	}
	// 1005 keeps the seed's -1 for "no such call".
	if c, _ := Spec(OpReject); !strings.HasPrefix(c.Meaning(CodeRefused), "No such call") || c.Meaning(CodeNoSuchCall) != "" {
		t.Errorf("1005 codes %v", c.Codes)
	}
}

func fieldKeys(fs []FieldSpec) string {
	var ks []string
	for _, f := range fs {
		ks = append(ks, f.Key)
	}
	return strings.Join(ks, ",")
}

func TestKindsAndAckOps(t *testing.T) {
	for op, want := range map[int]Kind{
		999: KindUnknown, 1000: KindCommand, 1014: KindCommand, 1015: KindUnknown,
		2000: KindReply, 2001: KindReply, 2014: KindReply, 2015: KindUnknown, 3001: KindUnknown,
		4000: KindUnknown, 4001: KindReply, 9000: KindUnknown, 9001: KindEvent, 9012: KindEvent, 9013: KindUnknown,
	} {
		if got := KindOf(op); got != want {
			t.Errorf("KindOf(%d) = %v, want %v", op, got, want)
		}
	}
	for op := 1000; op <= 1014; op++ {
		ack, ok := AckOp(op)
		if !ok || KindOf(ack) != KindReply {
			t.Errorf("AckOp(%d) = %d, %v", op, ack, ok)
		}
		if back, ok := CommandOf(ack); !ok || back != op {
			t.Errorf("CommandOf(%d) = %d, %v", ack, back, ok)
		}
	}
	if ack, _ := AckOp(OpConnect); ack != 4001 {
		t.Errorf("connect ACK %d", ack)
	}
	if ack, _ := AckOp(OpBLF); ack != 2014 {
		t.Errorf("BLF ACK %d", ack)
	}
	for _, op := range []int{999, 1015, 2001, 9001} {
		if _, ok := AckOp(op); ok {
			t.Errorf("AckOp(%d) ok", op)
		}
	}
	for _, op := range []int{2000, 2015, 4000, 1001} {
		if _, ok := CommandOf(op); ok {
			t.Errorf("CommandOf(%d) ok", op)
		}
	}
	for op, want := range map[int]string{1001: "register", 2001: "register-ack", 4001: "connect-ack", 2000: "error",
		9007: "second-call-state", 1234: "op 1234"} {
		if got := OpName(op); got != want {
			t.Errorf("OpName(%d) = %q, want %q", op, got, want)
		}
	}
	if KindCommand.String() != "command" || Kind(42).String() != "unknown" {
		t.Error("Kind.String")
	}
}
