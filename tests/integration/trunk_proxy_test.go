package integration

import (
	"net"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/store"
)

// A trunk with an outbound proxy sends its INVITE to the proxy, with the
// provider in the Request-URI and the proxy as a pre-loaded Route; the
// proxy's 503 fails the call over to the next trunk.
func TestTrunkOutboundProxy(t *testing.T) {
	t.Parallel()
	proxy, err := net.ListenPacket("udp4", "127.0.0.5:0")
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	invites := make(chan *sip.Request, 4)
	go func() {
		buf := make([]byte, 65535)
		for {
			n, from, err := proxy.ReadFrom(buf)
			if err != nil {
				return
			}
			req, err := sip.ParseMessage(append([]byte(nil), buf[:n]...))
			r, ok := req.(*sip.Request)
			if err != nil || !ok || r.Method != sip.INVITE {
				continue
			}
			invites <- r
			res := sip.NewResponseFromRequest(r, 503, "Service Unavailable", nil)
			proxy.WriteTo([]byte(res.String()), from)
		}
	}()

	sw := newSwitch(t)
	a := newPhone(t, sw, "1001")
	a.mustRegister(t)
	for _, tr := range []store.Trunk{
		{Name: "viaproxy", Kind: store.TrunkIP, Host: "sip.provider.example", OutboundProxy: proxy.LocalAddr().String(),
			IPs: []string{"127.0.0.5"}},
		{Name: "dead", Kind: store.TrunkIP, Host: "127.0.0.3:9", IPs: []string{"127.0.0.3"}},
	} {
		if err := sw.st.PutTrunk(tr); err != nil {
			t.Fatal(err)
		}
	}
	sw.srv.SyncTrunks()
	if err := sw.st.PutOutboundRule(store.OutboundRule{Name: "out", Patterns: []store.OutboundPattern{{Prefix: "9", Pattern: "X."}},
		Sources: []string{"*"}, Trunks: []string{"viaproxy", "dead"}}); err != nil {
		t.Fatal(err)
	}
	call := a.dial(t, "94930111")
	var inv *sip.Request
	select {
	case inv = <-invites:
	case <-time.After(wait):
		t.Fatal("the proxy got no INVITE")
	}
	if inv.Recipient.Host != "sip.provider.example" || inv.Recipient.User != "4930111" {
		t.Errorf("Request-URI %s, want the number at the provider", inv.Recipient.String())
	}
	route := inv.GetHeader("Route")
	if route == nil || route.Value() != "<sip:"+proxy.LocalAddr().String()+";lr>" {
		t.Errorf("Route %v, want the proxy as a loose route", route)
	}
	// The proxy's 503 moves the call on to the dead trunk, which never
	// answers: the caller ends with a failure, not the proxy's INVITE again.
	res, _ := call.final(t)
	if res.StatusCode < 400 {
		t.Fatalf("final %d, want a failure", res.StatusCode)
	}
	if cdr := sw.waitCDR(t, call.CallID()); cdr.Status == store.StatusAnswered {
		t.Fatalf("CDR %+v", cdr)
	}
}
