package phone

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hookswitch/hookswitch/tests/browser"
	"github.com/hookswitch/hookswitch/web/callproto"
)

// jsCodec runs protocol.js in Node (testdata/protocheck.mjs), one request
// and one answer per line, so Go and JavaScript can parse the same frames.
type jsCodec struct {
	mu  sync.Mutex
	in  io.WriteCloser
	out *bufio.Reader
}

type jsParsed struct {
	OK      bool        `json:"ok"`
	Op      int         `json:"op"`
	Seq     string      `json:"seq"`
	Fields  [][2]string `json:"fields"`
	Encoded string      `json:"encoded"`
	Kind    string      `json:"kind"` // malformed, too-large; crash is a bug
	Line    int         `json:"line"`
	Key     string      `json:"key"`
	NotText bool        `json:"notText"` // the bytes are not UTF-8, so no string exists to parse
	Error   string      `json:"error"`
}

// requireNode finds Node.js like the browser harness does: only
// HOOKSWITCH_SKIP_BROWSER=1 skips, a missing node fails.
func requireNode(t testing.TB) string {
	t.Helper()
	if os.Getenv(browser.SkipEnv) == "1" {
		t.Skipf("%s=1: tests that need Node.js skipped", browser.SkipEnv)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node: %v (tests/run needs Node.js 20 or later; %s=1 skips)", err, browser.SkipEnv)
	}
	return node
}

func startJSCodec(t testing.TB) *jsCodec {
	t.Helper()
	node := requireNode(t)
	// Node reads .js as CommonJS without a package.json: give it the
	// embedded protocol.js (what the switch serves) as an .mjs.
	src, err := files.ReadFile("protocol.js")
	if err != nil {
		t.Fatal(err)
	}
	mod := filepath.Join(t.TempDir(), "protocol.mjs")
	if err := os.WriteFile(mod, src, 0o644); err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs("testdata/protocheck.mjs")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, script, (&url.URL{Scheme: "file", Path: mod}).String())
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		in.Close() // node ends at the end of its input
		_ = cmd.Wait()
	})
	return &jsCodec{in: in, out: bufio.NewReaderSize(out, 1<<20)}
}

func (j *jsCodec) call(req, resp any) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	b, err := json.Marshal(req)
	if err != nil {
		return err
	}
	if _, err := j.in.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("write to node: %w", err)
	}
	line, err := j.out.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("read from node: %w", err)
	}
	return json.Unmarshal(line, resp)
}

func (j *jsCodec) parse(t testing.TB, frame []byte) jsParsed {
	t.Helper()
	var r jsParsed
	if err := j.call(map[string]string{"frame": base64.StdEncoding.EncodeToString(frame)}, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// compare parses frame with callproto and protocol.js and reports where
// they differ: both accept with the same op, seq, fields and re-encoding,
// or both refuse with the same kind of error at the same line and key.
func compare(t testing.TB, js *jsCodec, frame []byte) {
	t.Helper()
	got := js.parse(t, frame)
	if got.Kind == "crash" {
		t.Fatalf("protocol.js threw a non-FrameError on %q: %s", clip(frame), got.Error)
	}
	m, err := callproto.Parse(frame)
	if err != nil {
		if got.OK {
			t.Fatalf("frame %q: Go refuses (%v), protocol.js accepts %+v", clip(frame), err, got)
		}
		if got.NotText {
			return // refused by both; JS never sees such bytes as a string
		}
		var pe *callproto.ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("Go error %T is not a ParseError", err)
		}
		kind := "malformed"
		if errors.Is(err, callproto.ErrTooLarge) {
			kind = "too-large"
		}
		if got.Kind != kind || got.Line != pe.Line || got.Key != pe.Key {
			t.Fatalf("frame %q: Go refuses %s at line %d key %q (%v); protocol.js %s at line %d key %q (%s)",
				clip(frame), kind, pe.Line, pe.Key, err, got.Kind, got.Line, got.Key, got.Error)
		}
		return
	}
	if !got.OK {
		t.Fatalf("frame %q: Go accepts %s, protocol.js refuses: %s", clip(frame), clip([]byte(m.String())), got.Error)
	}
	var fields [][2]string
	for _, f := range m.Fields() {
		fields = append(fields, [2]string{f.Key, f.Value})
	}
	if got.Op != m.Op || got.Seq != m.Seq || !slices.Equal(got.Fields, fields) {
		t.Fatalf("frame %q:\nGo  op=%d seq=%q %q\nJS  op=%d seq=%q %q", clip(frame), m.Op, m.Seq, fields, got.Op, got.Seq, got.Fields)
	}
	if want := string(m.Encode()); got.Encoded != want {
		t.Fatalf("frame %q re-encoded:\nGo  %q\nJS  %q", clip(frame), want, got.Encoded)
	}
}

func clip(b []byte) string {
	if len(b) > 120 {
		return string(b[:120]) + fmt.Sprintf("... (%d bytes)", len(b))
	}
	return string(b)
}

// protocolCorpus is every frame the protocol document shows, and frames at
// and over each rule and limit.
func protocolCorpus(t testing.TB) [][]byte {
	t.Helper()
	var frames [][]byte
	doc, err := os.ReadFile("../../docs/web-call-protocol.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```wcp-[a-z-]+\n(.*?)\n```").FindAllSubmatch(doc, -1)
	if len(blocks) < 15 {
		t.Fatalf("%d example frames in the protocol document", len(blocks))
	}
	for _, b := range blocks {
		frames = append(frames, b[1])
	}
	sdp := `sdp=v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n`
	long := func(n int) string { return strings.Repeat("x", n) }
	for _, s := range []string{
		"op=1000\nseq=1", "op=1000\r\nseq=1\r\n", "\n\nop=1000\n\n", "op=0", "op=999999999", "op=1000000000",
		"op=01", "op=-1", "op=+1", "op= 1000", "op=1000 ", "op=", "op=1\nop=1", "seq=1", "",
		"\n\r\n", "op=1\nseq=", "op=1\nseq=a b", "op=1\nseq=" + long(64), "op=1\nseq=" + long(65),
		"op=1\nseq=1\nseq=2", "op=1\nk", "op=1\n=v", "op=1\nK=v", "op=1\n1k=v", "op=1\nk-y=v",
		"op=1\n" + long(16) + "=v", "op=1\n" + long(17) + "=v", "op=1\nk=" + long(32768),
		"op=1\nk=" + long(32769), "op=1\nk=" + strings.Repeat(`\\`, 16384), "op=1\nk=" + strings.Repeat(`\\`, 16385),
		"op=1003\n" + sdp, `op=1\nk=a\\nb`, `op=1\nk=\t`, `op=1\nk=\x`, `op=1\nk=\`, `op=1\nk=a\`,
		`op=1\nk=\\\`, `op=1\nk=\"`, `op=1\nk=\0`, "op=1\nk=a\tb", "op=1\nk=a\x00b", "op=1\nk=a\x7fb",
		"op=1\nk=a\rb", "op=1\nk=a\x1bb", "op=1\nk=\\\rb", "op=1\nk=\\\r", "op=1\nk=é€😀", "op=1\nk=\xff",
		"op=1\nk=\xed\xa0\x80", "op=1\nk=a\x01\\q", "op=1\nk=\\q\x01", "\ufeffop=1", "op=1\nk=v=w=x",
		"op=1\nk=\nk=\nk=x", "op=1\nk=<a href=\"x\">&amp;</a>", "op=1\r\r\nk=v", "op=1\nk=v\r",
		"op=9012\nseq=3\nstate=0\next=1002\nblfxml=<?xml version=\"1.0\"?>\\r\\n<dialog-info/>",
	} {
		frames = append(frames, []byte(s))
	}
	lines := func(n int) string {
		var b strings.Builder
		b.WriteString("op=1")
		for i := 1; i < n; i++ {
			b.WriteString("\nk=v")
		}
		return b.String()
	}
	frames = append(frames, []byte(lines(256)), []byte(lines(257)), []byte(lines(256)+"\n\n\n"))
	big := "op=1\nseq=1"
	for len(big) < callproto.MaxFrameSize-40000 {
		big += "\nk=" + long(30000)
	}
	frames = append(frames, []byte(big+"\nk="+long(callproto.MaxFrameSize-len(big)-3)),
		[]byte(big+"\nk="+long(callproto.MaxFrameSize-len(big)-2)))
	return frames
}

// randomFrames builds frames from pieces that sit near the rules, so most
// are almost valid.
func randomFrames(n int) [][]byte {
	r := rand.New(rand.NewPCG(8, 1003))
	pieces := []string{
		"op=1003", "op=1000", "op=01", "op=", "seq=7", "seq=a:b.c_d-e", "seq=", "seq=a b", "to=1002",
		"sdp=v=0\\r\\nm=audio 9\\r\\n", "cid=x@y", "k", "=", "K=v", "k=\\", "k=\\\\", "k=\\t", "k=\\n\\r",
		"k=\t", "k=é", "k=😀", "k=\x00", "k=\x7f", "k=\xc3", "k=\r", "k=v=w", "abcdefghijklmnopq=1",
		"abcdefghijklmnop=1", "", "\r", "op=1\nop=1", "ext=1,2,3", "dtmf=#",
	}
	ends := []string{"\n", "\r\n", "\n\n", "\r\r\n"}
	frames := make([][]byte, 0, n)
	for range n {
		var b strings.Builder
		for range 1 + r.IntN(8) {
			b.WriteString(pieces[r.IntN(len(pieces))])
			b.WriteString(ends[r.IntN(len(ends))])
		}
		s := b.String()
		if r.IntN(3) == 0 {
			s = strings.TrimRight(s, "\r\n")
		}
		frames = append(frames, []byte(s))
	}
	return frames
}

// protocol.js parses and encodes every frame exactly as web/callproto does.
func TestProtocolJSMatchesGo(t *testing.T) {
	js := startJSCodec(t)
	frames := append(protocolCorpus(t), randomFrames(3000)...)
	for _, f := range frames {
		compare(t, js, f)
	}
	t.Logf("%d frames compared", len(frames))
}

// Encoding a message from the program (what the page sends) matches
// callproto's Encode, control characters and all.
func TestProtocolJSEncodeMatchesGo(t *testing.T) {
	js := startJSCodec(t)
	values := []string{
		"", "plain", "a\r\nb\nc\rd", `back\slash\\`, "tab\there", "nul\x00del\x7fesc\x1b", "é€😀",
		"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n", `\r\n literally`, "<b>&amp;</b>",
	}
	for _, v := range values {
		for _, seq := range []string{"", "17", "bad seq"} {
			m := callproto.New(callproto.OpCall, seq, callproto.F("to", "1002"), callproto.F("sdp", v), callproto.F("cdata", v))
			var got struct {
				Encoded string `json:"encoded"`
			}
			req := map[string]any{"encode": map[string]any{"op": m.Op, "seq": seq, "fields": [][2]string{{"to", "1002"}, {"sdp", v}, {"cdata", v}}}}
			if err := js.call(req, &got); err != nil {
				t.Fatal(err)
			}
			if want := string(m.Encode()); got.Encoded != want {
				t.Errorf("encode %q seq %q:\nGo  %q\nJS  %q", v, seq, want, got.Encoded)
			}
		}
	}
}

// The page's password proof is callproto's: the document's test vector,
// and a password with non-ASCII text.
func TestProtocolJSProof(t *testing.T) {
	js := startJSCodec(t)
	for _, c := range [][3]string{
		{"s3cret-Pa55", "8d2c4f0a6b1e47d3a95f2e6c1b0d7a34", "1001"},
		{"pässwört ✓", callproto.Nonce(), "2000"},
	} {
		var got struct {
			Proof string `json:"proof"`
		}
		if err := js.call(map[string]any{"proof": c[:]}, &got); err != nil {
			t.Fatal(err)
		}
		if want := callproto.Proof(c[0], c[1], c[2]); got.Proof != want {
			t.Errorf("proof(%q, %q, %q) = %q, want %q", c[0], c[1], c[2], got.Proof, want)
		}
		if !callproto.CheckProof(got.Proof, c[0], c[1], c[2]) {
			t.Errorf("CheckProof refuses the page's proof %q", got.Proof)
		}
	}
}

// FuzzProtocolJS compares the two codecs on any bytes.
func FuzzProtocolJS(f *testing.F) {
	for _, fr := range protocolCorpus(f) {
		if len(fr) < 4096 {
			f.Add(fr)
		}
	}
	for _, fr := range randomFrames(50) {
		f.Add(fr)
	}
	js := startJSCodec(f)
	f.Fuzz(func(t *testing.T, frame []byte) {
		if len(frame) > 2*callproto.MaxFrameSize {
			return
		}
		compare(t, js, frame)
	})
}
