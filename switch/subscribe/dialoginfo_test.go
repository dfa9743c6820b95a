package subscribe

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/sip"
	sipdigest "github.com/hookswitch/hookswitch/switch/sip/digest"
	"github.com/hookswitch/hookswitch/switch/store"
)

// parsedInfo is a dialog-info document read back with encoding/xml, as a
// watcher would.
type parsedInfo struct {
	XMLName xml.Name `xml:"dialog-info"`
	Version string   `xml:"version,attr"`
	State   string   `xml:"state,attr"`
	Entity  string   `xml:"entity,attr"`
	Dialogs []struct {
		ID        string `xml:"id,attr"`
		CallID    string `xml:"call-id,attr"`
		LocalTag  string `xml:"local-tag,attr"`
		RemoteTag string `xml:"remote-tag,attr"`
		Direction string `xml:"direction,attr"`
		State     string `xml:"state"`
		Local     struct {
			Identity struct {
				Display string `xml:"display,attr"`
				URI     string `xml:",chardata"`
			} `xml:"identity"`
		} `xml:"local"`
		Remote struct {
			Identity struct {
				Display string `xml:"display,attr"`
				URI     string `xml:",chardata"`
			} `xml:"identity"`
		} `xml:"remote"`
	} `xml:"dialog"`
}

func parseInfo(t testing.TB, b []byte) parsedInfo {
	t.Helper()
	var p parsedInfo
	if err := xml.Unmarshal(b, &p); err != nil {
		t.Fatalf("document does not parse: %v\n%s", err, b)
	}
	if p.XMLName.Space != "urn:ietf:params:xml:ns:dialog-info" {
		t.Fatalf("root namespace %q", p.XMLName.Space)
	}
	return p
}

// fakeDialogs is a DialogSource with extensions 1001-1003.
type fakeDialogs struct {
	mu sync.Mutex
	ds map[string][]DialogState
}

func (f *fakeDialogs) Dialogs(ext string) ([]DialogState, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch ext {
	case "1001", "1002", "1003":
		return f.ds[ext], nil
	}
	return nil, fmt.Errorf("extension %s: %w", ext, ErrNoResource)
}

func (f *fakeDialogs) set(ext string, ds ...DialogState) {
	f.mu.Lock()
	if f.ds == nil {
		f.ds = map[string][]DialogState{}
	}
	f.ds[ext] = ds
	f.mu.Unlock()
}

func TestDialogInfoBody(t *testing.T) {
	src := &fakeDialogs{}
	host := "pbx.example.com"
	p := NewDialogInfo(src, func() string { return host })
	if p.Name() != "dialog" || p.ContentType() != "application/dialog-info+xml" {
		t.Fatalf("name %q, type %q", p.Name(), p.ContentType())
	}

	// Idle: full state, no dialog.
	b, err := p.VersionedBody("1002", 0)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "<?xml") {
		t.Errorf("no XML declaration: %s", b)
	}
	doc := parseInfo(t, b)
	if doc.Version != "0" || doc.State != "full" || doc.Entity != "sip:1002@pbx.example.com" || len(doc.Dialogs) != 0 {
		t.Fatalf("idle document %+v", doc)
	}

	// Ringing, with a name that needs escaping, and a confirmed call.
	evil := `Al & "Bo" <x>]]></dialog-info>`
	src.set("1002",
		DialogState{ID: "7", CallID: "c1@h", LocalTag: "lt", RemoteTag: "rt", Other: "1001", OtherName: evil},
		DialogState{ID: "8", CallID: "c2@h", RemoteTag: "rt2", Initiator: true, Confirmed: true, Other: "+49 30 <1>"})
	b, err = p.VersionedBody("1002", 41)
	if err != nil {
		t.Fatal(err)
	}
	doc = parseInfo(t, b)
	if doc.Version != "41" || len(doc.Dialogs) != 2 {
		t.Fatalf("document %+v, want version 41 and 2 dialogs\n%s", doc, b)
	}
	d := doc.Dialogs[0]
	if d.ID != "7" || d.CallID != "c1@h" || d.LocalTag != "lt" || d.RemoteTag != "rt" || d.Direction != "recipient" ||
		d.State != "early" || d.Local.Identity.URI != "sip:1002@pbx.example.com" ||
		d.Remote.Identity.URI != "sip:1001@pbx.example.com" || d.Remote.Identity.Display != evil {
		t.Errorf("ringing dialog %+v", d)
	}
	d = doc.Dialogs[1]
	if d.Direction != "initiator" || d.State != "confirmed" || d.LocalTag != "" ||
		d.Remote.Identity.URI != "sip:+49%2030%20%3C1%3E@pbx.example.com" || d.Remote.Identity.Display != "" {
		t.Errorf("confirmed dialog %+v", d)
	}
	if strings.Contains(string(b), "local-tag=\"\"") || strings.Contains(string(b), "display=\"\"") {
		t.Errorf("empty optional attributes written: %s", b)
	}

	// IPv6 host, unusable host, anonymous caller, duplicate and missing ids.
	src.set("1003", DialogState{ID: "x"}, DialogState{ID: "x"}, DialogState{})
	for _, tc := range []struct{ host, entity string }{
		{"::1", "sip:1003@[::1]"},
		{"evil\r\nX: y", "sip:1003@localhost"},
		{`a"b`, "sip:1003@localhost"},
		{"", "sip:1003@localhost"},
	} {
		host = tc.host
		b, err := p.Body("1003")
		if err != nil {
			t.Fatal(err)
		}
		doc := parseInfo(t, b)
		if doc.Entity != tc.entity {
			t.Errorf("host %q: entity %q, want %q", tc.host, doc.Entity, tc.entity)
		}
		ids := map[string]bool{}
		for _, d := range doc.Dialogs {
			if d.ID == "" || ids[d.ID] {
				t.Errorf("dialog id %q empty or repeated", d.ID)
			}
			ids[d.ID] = true
			if d.Remote.Identity.URI != "sip:anonymous@anonymous.invalid" {
				t.Errorf("no number: remote %q", d.Remote.Identity.URI)
			}
		}
	}

	if _, err := p.Body("1009"); !errors.Is(err, ErrNoResource) {
		t.Errorf("unknown extension: %v, want ErrNoResource", err)
	}
	if _, err := p.Body("a\r\nb"); !errors.Is(err, ErrNoResource) {
		t.Errorf("invalid extension: %v, want ErrNoResource", err)
	}
	if _, err := NewDialogInfo(nil, nil).Body("1001"); err == nil {
		t.Error("no source: no error")
	}
	if !p.Authorize("1001", "1002") || !p.Authorize("1003", "1003") || p.Authorize("", "1002") {
		t.Error("Authorize: any authenticated user watches any extension")
	}
}

func TestDialogInfoBounds(t *testing.T) {
	var ds []DialogState
	for i := range 3 * maxBLFDialogs {
		ds = append(ds, DialogState{ID: strconv.Itoa(i), Confirmed: i == 2*maxBLFDialogs, Other: "1001",
			OtherName: strings.Repeat("é", maxBLFName), CallID: strings.Repeat("c", maxIDLen+1)})
	}
	b, err := dialogInfoBody("1002", "h", 1, ds)
	if err != nil {
		t.Fatal(err)
	}
	doc := parseInfo(t, b)
	if len(doc.Dialogs) != maxBLFDialogs {
		t.Fatalf("%d dialogs, want the bound %d", len(doc.Dialogs), maxBLFDialogs)
	}
	if doc.Dialogs[0].State != "confirmed" {
		t.Errorf("the confirmed dialog was cut: first is %+v", doc.Dialogs[0])
	}
	for _, d := range doc.Dialogs {
		if n := len(d.Remote.Identity.Display); n > maxBLFName || !utf8.ValidString(d.Remote.Identity.Display) {
			t.Fatalf("display name of %d bytes (valid UTF-8: %v)", n, utf8.ValidString(d.Remote.Identity.Display))
		}
		if d.CallID != "" {
			t.Fatalf("an over-long Call-ID was written")
		}
	}
}

// Whatever the call layer hands over (names from SIP headers, trunk
// numbers), the document parses back and keeps every valid name.
func FuzzDialogInfo(f *testing.F) {
	f.Add("1001", "Alice", "c@h", "tag", "host", true, false)
	f.Add("+1 (555) <x>", "\x00\xff&<>\"'", "]]>", "\"", "::1", false, true)
	f.Add("", strings.Repeat("ü", 100), "", "", "", true, true)
	f.Add("0", "0", "0", "0", `"`, true, true)
	f.Fuzz(func(t *testing.T, other, name, callID, tag, host string, initiator, confirmed bool) {
		ds := []DialogState{{ID: tag, CallID: callID, LocalTag: tag, RemoteTag: tag, Initiator: initiator,
			Confirmed: confirmed, Other: other, OtherName: name}}
		b, err := dialogInfoBody("1002", host, 3, ds)
		if err != nil {
			t.Fatal(err)
		}
		doc := parseInfo(t, b)
		if len(doc.Dialogs) != 1 || doc.Version != "3" {
			t.Fatalf("document %+v", doc)
		}
		d := doc.Dialogs[0]
		if (d.State == "confirmed") != confirmed || (d.Direction == "initiator") != initiator || d.ID == "" {
			t.Fatalf("dialog %+v", d)
		}
		if !strings.HasPrefix(d.Remote.Identity.URI, "sip:") || strings.ContainsAny(d.Remote.Identity.URI, " <>\"\r\n") {
			t.Fatalf("remote URI %q", d.Remote.Identity.URI)
		}
		want := clip(strings.TrimSpace(name), maxBLFName)
		if plainXML(want) && d.Remote.Identity.Display != want {
			t.Fatalf("display %q, want %q", d.Remote.Identity.Display, want)
		}
	})
}

// plainXML: s survives an XML round trip as it is (valid UTF-8, only
// characters XML 1.0 carries, no CR that parsers normalise, no edge
// spaces lost in attributes' normalisation).
func plainXML(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0xFFFE || r == 0xFFFF || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// A watcher's NOTIFYs carry version 0, 1, 2... whatever it subscribes to
// (RFC 4235 4.1.2), and follow the source.
func TestDialogVersionPerSubscriber(t *testing.T) {
	st, err := store.Open("", store.Options{InMemory: true, Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, n := range []string{"1001", "1002", "1003"} {
		if err := st.CreateExtension(store.Extension{Number: n, Password: passwordOf(n)}); err != nil {
			t.Fatal(err)
		}
	}
	stack, err := sip.New(sip.Config{UDP: "127.0.0.1:0", Logger: discard})
	if err != nil {
		t.Fatal(err)
	}
	auth := sipdigest.New("hookswitch", sipdigest.Options{Algorithms: []sipdigest.Algorithm{sipdigest.MD5}})
	src := &fakeDialogs{}
	srv, err := New(Config{}, stack, st, auth, nil, discard, NewMessageSummary(newMailboxes(), stack.Host),
		NewDialogInfo(src, stack.Host))
	if err != nil {
		t.Fatal(err)
	}
	srv.Register()
	if err := stack.Listen(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		stack.Close()
	})
	e := &env{srv: srv, stack: stack}
	if got := srv.AllowEvents(); got != "dialog, message-summary" {
		t.Errorf("Allow-Events %q", got)
	}

	subscribe := func(c *subscriber, ext string, hdrs ...gosip.Header) *gosip.Response {
		c.callID = ""
		return c.subscribe(t, func() *gosip.Request { return c.request(ext, "dialog", 600, hdrs...) })
	}
	w1, w2 := newSubscriber(t, e, "1001"), newSubscriber(t, e, "1003")
	if res := subscribe(w1, "1002", gosip.NewHeader("Accept", "application/dialog-info+xml")); res.StatusCode != 200 {
		t.Fatalf("subscribe: %d %s", res.StatusCode, res.Reason)
	}
	check := func(c *subscriber, version string, dialogs int) {
		t.Helper()
		in := c.next(t)
		if got := header(in.req, "Event"); got != "dialog" {
			t.Errorf("Event %q", got)
		}
		if got := header(in.req, "Content-Type"); got != "application/dialog-info+xml" {
			t.Errorf("Content-Type %q", got)
		}
		doc := parseInfo(t, in.req.Body())
		if doc.Version != version || len(doc.Dialogs) != dialogs {
			t.Fatalf("%s got version %s with %d dialogs, want %s with %d", c.user, doc.Version, len(doc.Dialogs), version, dialogs)
		}
	}
	check(w1, "0", 0)
	src.set("1002", DialogState{ID: "1", Other: "1001"})
	if n := srv.Notify("dialog", "1002"); n != 1 {
		t.Fatalf("Notify told %d subscriptions, want 1", n)
	}
	check(w1, "1", 1)
	// A second watcher starts at 0 while the first goes on.
	if res := subscribe(w2, "1002"); res.StatusCode != 200 {
		t.Fatalf("second subscribe: %d", res.StatusCode)
	}
	check(w2, "0", 1)
	src.set("1002")
	srv.Notify("DIALOG", "1002")
	check(w1, "2", 0)
	check(w2, "1", 0)
	// A refresh is one more document.
	if res := w2.subscribe(t, func() *gosip.Request { return w2.request("1002", "dialog", 600) }); res.StatusCode != 200 {
		t.Fatalf("refresh: %d", res.StatusCode)
	}
	check(w2, "2", 0)

	// Errors: no such extension, a package the watcher cannot read.
	w3 := newSubscriber(t, e, "1003")
	if res := subscribe(w3, "1009"); res.StatusCode != 404 {
		t.Errorf("unknown extension: %d, want 404", res.StatusCode)
	}
	if res := subscribe(w3, "1001", gosip.NewHeader("Accept", "application/pidf+xml")); res.StatusCode != 406 {
		t.Errorf("Accept without dialog-info: %d, want 406", res.StatusCode)
	}
}

func BenchmarkDialogInfoBody(b *testing.B) {
	src := &fakeDialogs{}
	src.set("1002", DialogState{ID: "12", CallID: "a84b4c76e66710@pc33.example.com", LocalTag: "1928301774",
		RemoteTag: "456248", Confirmed: true, Other: "1001", OtherName: "Alice Example"})
	p := NewDialogInfo(src, func() string { return "pbx.example.com" })
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := p.VersionedBody("1002", uint64(i)); err != nil {
			b.Fatal(err)
		}
	}
}
