package wcp

import (
	"strings"
	"testing"
)

func TestRecipient(t *testing.T) {
	for in, want := range map[string]string{"1002": "1002", "sip:1002@127.0.0.1": "1002", "SIP:1002@x;transport=udp": "1002",
		"sips:*61@h": "*61", "sip:": "", "sip:@h": "", "10,02": "", "sip:a;b@h": "a"} {
		got, ok := recipient(in)
		if !ok {
			got = ""
		}
		if got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

// A 1009 to is a client's text: whatever it is, the user part taken from
// it is one the UA sends to, or it is refused.
func FuzzRecipient(f *testing.F) {
	for _, s := range []string{"1002", "sip:1002@host", "sips:x@y;z", "sip:", "a,b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, to string) {
		user, ok := recipient(to)
		if ok && (userPart(user, "") == "" || strings.ContainsAny(user, "@:;,?&=$/")) {
			t.Fatalf("%q gave %q", to, user)
		}
	})
}
