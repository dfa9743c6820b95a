package callproto

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

const docPath = "../../docs/web-call-protocol.md"

// The protocol document covers every op and field of the catalogue.
func TestDocCoversCatalogue(t *testing.T) {
	b, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	heading := func(op int) bool { return strings.Contains(doc, "\n### "+strconv.Itoa(op)+" ") }
	for _, c := range Commands() {
		if !heading(c.Op) || !strings.Contains(doc, " -> "+strconv.Itoa(c.Ack)) {
			t.Errorf("no heading for command %d -> %d", c.Op, c.Ack)
		}
		for _, f := range append(c.Fields, c.AckFields...) {
			if !strings.Contains(doc, "`"+f.Key+"`") {
				t.Errorf("op %d: field %s not in the doc", c.Op, f.Key)
			}
		}
	}
	for _, e := range Events() {
		if !heading(e.Op) {
			t.Errorf("no heading for event %d", e.Op)
		}
		for _, f := range e.Fields {
			if !strings.Contains(doc, "`"+f.Key+"`") {
				t.Errorf("event %d: field %s not in the doc", e.Op, f.Key)
			}
		}
	}
	if want := Proof("s3cret-Pa55", "8d2c4f0a6b1e47d3a95f2e6c1b0d7a34", "1001"); !strings.Contains(doc, want) {
		t.Errorf("the doc's test vector is not %s", want)
	}
}

// The example session's frames are what the code produces and accepts:
// commands validate, invalid ones are refused with exactly the reply that
// follows them, server frames validate and answer the command before them.
func TestDocExampleSession(t *testing.T) {
	frames := docFrames(t)
	if len(frames) < 15 {
		t.Fatalf("%d frames in the example session", len(frames))
	}
	var last Message
	var lastErr error
	for i, f := range frames {
		m, err := Parse([]byte(f.text))
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if got := string(m.Encode()); got != f.text {
			t.Errorf("frame %d is not in canonical form:\n%s\nwant\n%s", i, f.text, got)
		}
		switch f.kind {
		case "wcp-client":
			if err := Validate(m); err != nil {
				t.Errorf("frame %d: %v", i, err)
			}
			last, lastErr = m, nil
		case "wcp-client-invalid":
			if lastErr = Validate(m); lastErr == nil {
				t.Errorf("frame %d is valid", i)
			}
			last = m
		case "wcp-server":
			if err := ValidateServerMessage(m); err != nil {
				t.Errorf("frame %d: %v", i, err)
			}
			if KindOf(m.Op) == KindEvent {
				continue
			}
			if ack, _ := AckOp(last.Op); m.Op != ack || m.Seq != last.Seq {
				t.Errorf("frame %d (op %d seq %s) does not answer op %d seq %s", i, m.Op, m.Seq, last.Op, last.Seq)
			}
			if lastErr != nil && !m.Equal(Refuse(last, lastErr)) {
				t.Errorf("frame %d:\n%s\nwant\n%s", i, f.text, Refuse(last, lastErr).Encode())
			}
		default:
			t.Errorf("frame %d: block kind %q", i, f.kind)
		}
	}
	// The proof in the example is right for its nonce.
	if !CheckProof(mustParse(t, frames[2].text).Get(KeyPwd), "s3cret-Pa55", mustParse(t, frames[1].text).Get(KeyNonce), "1001") {
		t.Error("the example's pwd does not match its nonce")
	}
}

type docFrame struct{ kind, text string }

// docFrames are the ```wcp-* blocks of the doc, in order.
func docFrames(t *testing.T) []docFrame {
	t.Helper()
	file, err := os.Open(docPath)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	var (
		out   []docFrame
		cur   *docFrame
		lines []string
	)
	sc := bufio.NewScanner(file)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		l := sc.Text()
		switch {
		case cur == nil && strings.HasPrefix(l, "```wcp-"):
			cur, lines = &docFrame{kind: strings.TrimPrefix(l, "```")}, nil
		case cur != nil && l == "```":
			cur.text = strings.Join(lines, "\n")
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			lines = append(lines, l)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
