package subscribe

import (
	"testing"

	gosip "github.com/emiago/sipgo/sip"
)

func TestParseEvent(t *testing.T) {
	for _, tc := range []struct {
		in, name, id string
		ok           bool
	}{
		{"message-summary", "message-summary", "", true},
		{" message-summary ; id=abc ;foo=bar", "message-summary", "abc", true},
		{"dialog;ID=7", "dialog", "7", true},
		{"presence;foo", "presence", "", true},
		{"", "", "", false},
		{";id=1", "", "", false},
		{"a b", "", "", false},
		{"x;id=", "", "", false},
		{"x;id", "", "", false},
		{"x;id=1;id=2", "", "", false},
		{"x;=1", "", "", false},
		{"x;id=a b", "", "", false},
		{"x\r\ny", "", "", false},
	} {
		name, id, err := parseEvent(tc.in)
		if (err == nil) != tc.ok || name != tc.name || id != tc.id {
			t.Errorf("parseEvent(%q) = %q, %q, %v; want %q, %q, ok=%v", tc.in, name, id, err, tc.name, tc.id, tc.ok)
		}
	}
}

func TestAcceptable(t *testing.T) {
	const ct = "application/simple-message-summary"
	accept := func(vs ...string) []gosip.Header {
		var hs []gosip.Header
		for _, v := range vs {
			hs = append(hs, gosip.NewHeader("Accept", v))
		}
		return hs
	}
	for _, tc := range []struct {
		hs []gosip.Header
		ok bool
	}{
		{nil, true},
		{accept(ct), true},
		{accept("Application/Simple-Message-Summary;q=0.5"), true},
		{accept("application/sdp", "application/*"), true},
		{accept("text/plain, */*"), true},
		{accept("application/sdp, text/*"), false},
		{accept(""), false},
		{accept("application/simple-message-summary-x"), false},
	} {
		if got := acceptable(tc.hs, ct); got != tc.ok {
			var vs []string
			for _, h := range tc.hs {
				vs = append(vs, h.Value())
			}
			t.Errorf("acceptable(%q) = %v, want %v", vs, got, tc.ok)
		}
	}
}

func TestParseExpires(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{" 3600 ", 3600, true},
		{"4294967295", 1<<32 - 1, true},
		{"4294967296", 0, false},
		{"99999999999", 0, false},
		{"-1", 0, false},
		{"+5", 0, false},
		{"1e3", 0, false},
		{"", 0, false},
	} {
		got, err := parseExpires(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseExpires(%q) = %d, %v; want %d, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func BenchmarkParseEvent(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := parseEvent("message-summary;id=abc"); err != nil {
			b.Fatal(err)
		}
	}
}
