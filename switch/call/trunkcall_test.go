package call

import (
	"strings"
	"testing"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/store"
)

// invite is a minimal INVITE from 1001 with extra headers.
func invite(hdrs ...gosip.Header) *gosip.Request {
	req := gosip.NewRequest(gosip.INVITE, gosip.Uri{Scheme: "sip", User: "0049301", Host: "provider.example"})
	req.AppendHeader(&gosip.FromHeader{Address: gosip.Uri{Scheme: "sip", User: "1001", Host: "pbx.example"}, Params: gosip.NewParams()})
	for _, h := range hdrs {
		req.AppendHeader(h)
	}
	return req
}

func TestOutboundCLI(t *testing.T) {
	for _, tc := range []struct {
		name    string
		caller  []gosip.Header
		trunk   string
		from    string
		headers map[string]string // header -> substring ("" = absent)
	}{
		{"from, pai and rpi", []gosip.Header{gosip.NewHeader("X-Outbound-Cli", "rewrite-from=123;rewrite-pai=456;rewrite-rpi=789")}, "abc",
			"123", map[string]string{"P-Asserted-Identity": "sip:456@", "Remote-Party-ID": "sip:789@", "X-Outbound-Cli": ""}},
		{"for another trunk", []gosip.Header{gosip.NewHeader("X-Outbound-Cli", "rewrite-from=123;trunk-name:xyz")}, "abc",
			"1001", map[string]string{"X-Outbound-Cli": ""}},
		{"for this trunk", []gosip.Header{gosip.NewHeader("X-Outbound-Cli", "rewrite-from=123;trunk-name:abc")}, "abc",
			"123", nil},
		{"not a number", []gosip.Header{gosip.NewHeader("X-Outbound-Cli", "rewrite-from=evil<sip:x>")}, "abc",
			"1001", nil},
		{"privacy", []gosip.Header{gosip.NewHeader("Privacy", "id")}, "abc",
			"1001", map[string]string{"Privacy": "id", "P-Asserted-Identity": "sip:1001@"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Call{req: invite(tc.caller...), callerID: "1001"}
			out := invite()
			c.outboundCLI(out, &store.Trunk{Name: tc.trunk})
			if got := out.From().Address.User; got != tc.from {
				t.Errorf("From user %q, want %q", got, tc.from)
			}
			for h, want := range tc.headers {
				got := out.GetHeader(h)
				switch {
				case want == "" && got != nil:
					t.Errorf("%s: %q, want none", h, got.Value())
				case want != "" && (got == nil || !strings.Contains(got.Value(), want)):
					t.Errorf("%s: %v, want it to hold %q", h, got, want)
				}
			}
		})
	}
}

func TestRewriteHeaders(t *testing.T) {
	req := invite(gosip.NewHeader("User-Agent", "hookswitch"), gosip.NewHeader("X-Old", "1"))
	rewriteHeaders(req, []string{"X-Account: 42", "-User-Agent", "X-Old: 2"})
	if h := req.GetHeader("X-Account"); h == nil || h.Value() != "42" {
		t.Errorf("X-Account: %v", h)
	}
	if req.GetHeader("User-Agent") != nil {
		t.Error("User-Agent not removed")
	}
	if hs := req.GetHeaders("X-Old"); len(hs) != 1 || hs[0].Value() != "2" {
		t.Errorf("X-Old: %v, want one, 2", hs)
	}
}

// A caller ID the dial plan chose goes in P-Asserted-Identity on a
// register trunk, and a forward carries Diversion.
func TestChosenCallerIDAndDiversion(t *testing.T) {
	c := &Call{req: invite(), callerID: "4930112", cidSet: true, diversion: "1001", diversionReason: "user-busy"}
	out := invite()
	c.outboundCLI(out, &store.Trunk{Name: "up", Kind: store.TrunkRegister, Username: "7001"})
	if h := out.GetHeader("P-Asserted-Identity"); h == nil || !strings.Contains(h.Value(), "sip:4930112@") {
		t.Errorf("P-Asserted-Identity: %v", h)
	}
	if h := out.GetHeader("Diversion"); h == nil || !strings.Contains(h.Value(), "sip:1001@") || !strings.Contains(h.Value(), "reason=user-busy") {
		t.Errorf("Diversion: %v", h)
	}
	// Not chosen: no P-Asserted-Identity.
	c = &Call{req: invite(), callerID: "1001"}
	out = invite()
	c.outboundCLI(out, &store.Trunk{Name: "up", Kind: store.TrunkRegister, Username: "7001"})
	if h := out.GetHeader("P-Asserted-Identity"); h != nil {
		t.Errorf("P-Asserted-Identity without a chosen caller ID: %v", h)
	}
}
