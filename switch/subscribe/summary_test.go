package subscribe

import (
	"errors"
	"strings"
	"testing"
)

func TestMessageSummaryBody(t *testing.T) {
	boxes := newMailboxes()
	boxes.set("1001", 2, 5)
	boxes.set("1002", 0, 3)
	boxes.remove("1009")
	host := "pbx.example.com"
	m := NewMessageSummary(boxes, func() string { return host })
	for _, tc := range []struct {
		box, host, want string
	}{
		{"1001", "pbx.example.com", "Messages-Waiting: yes\r\nMessage-Account: sip:1001@pbx.example.com\r\nVoice-Message: 2/5 (0/0)\r\n"},
		{"1002", "10.0.0.1", "Messages-Waiting: no\r\nMessage-Account: sip:1002@10.0.0.1\r\nVoice-Message: 0/3 (0/0)\r\n"},
		{"1003", "::1", "Messages-Waiting: no\r\nMessage-Account: sip:1003@[::1]\r\nVoice-Message: 0/0 (0/0)\r\n"},
		{"1003", "", "Messages-Waiting: no\r\nVoice-Message: 0/0 (0/0)\r\n"},
		{"1003", "evil\r\nX: y", "Messages-Waiting: no\r\nVoice-Message: 0/0 (0/0)\r\n"},
	} {
		host = tc.host
		b, err := m.Body(tc.box)
		if err != nil {
			t.Fatalf("Body(%s): %v", tc.box, err)
		}
		if string(b) != tc.want {
			t.Errorf("Body(%s) with host %q =\n%q\nwant\n%q", tc.box, tc.host, b, tc.want)
		}
	}
	if _, err := m.Body("1009"); !errors.Is(err, ErrNoResource) {
		t.Errorf("deleted box: %v, want ErrNoResource", err)
	}
	if _, err := m.Body("a\r\nb"); !errors.Is(err, ErrNoResource) {
		t.Errorf("invalid box: %v, want ErrNoResource", err)
	}
	boxes.set("1004", -1, 0)
	if _, err := m.Body("1004"); err == nil || !strings.Contains(err.Error(), "negative") {
		t.Errorf("negative count: %v", err)
	}
	if _, err := NewMessageSummary(nil, nil).Body("1001"); err == nil {
		t.Error("no mailbox store: no error")
	}
	if !m.Authorize("1001", "1001") || m.Authorize("1001", "1002") {
		t.Error("Authorize: a user watches its own mailbox only")
	}
}

func TestNewRejectsBadPackages(t *testing.T) {
	e := newEnv(t, Config{}, nil)
	st, auth := e.srv.st, e.srv.auth
	for name, pkgs := range map[string][]Package{
		"none":      nil,
		"nil":       {nil},
		"duplicate": {NewMessageSummary(nil, nil), NewMessageSummary(nil, nil)},
		"bad name":  {fakePackage{name: "a b", ctype: "x/y"}},
		"bad type":  {fakePackage{name: "x", ctype: "plain"}},
	} {
		if _, err := New(Config{}, e.stack, st, auth, nil, discard, pkgs...); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
	if _, err := New(Config{}, nil, st, auth, nil, discard, NewMessageSummary(nil, nil)); err == nil {
		t.Error("New accepted a nil stack")
	}
}

type fakePackage struct{ name, ctype string }

func (p fakePackage) Name() string              { return p.name }
func (p fakePackage) ContentType() string       { return p.ctype }
func (fakePackage) Authorize(_, _ string) bool  { return true }
func (fakePackage) Body(string) ([]byte, error) { return nil, nil }

func BenchmarkMessageSummaryBody(b *testing.B) {
	boxes := newMailboxes()
	boxes.set("1001", 2, 5)
	m := NewMessageSummary(boxes, func() string { return "pbx.example.com" })
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Body("1001"); err != nil {
			b.Fatal(err)
		}
	}
}
