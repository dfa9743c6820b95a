package trunk

import (
	"context"
	"time"

	gosip "github.com/emiago/sipgo/sip"
	"github.com/hookswitch/hookswitch/switch/sip"
)

// PingTarget is where a one-off OPTIONS goes: a Request-URI, the address
// the request is sent to (a NATed phone's source, a trunk's proxy), and
// an optional Route.
type PingTarget struct {
	Transport string // lower case
	URI       gosip.Uri
	Dest      string // host:port
	Route     *gosip.Uri
}

// PingTrunkTarget addresses a trunk's peer as its qualifier does: host is
// the provider's host[:port], proxy its outbound proxy ("" for none).
func PingTrunkTarget(transport, host, proxy string) (PingTarget, error) {
	if transport == "" {
		transport = "udp"
	}
	p, err := newPeer(transport, host, proxy)
	if err != nil {
		return PingTarget{}, err
	}
	return PingTarget{Transport: p.transport, URI: p.ruri, Dest: p.dest, Route: p.route}, nil
}

// Ping sends one OPTIONS to t, the way the qualifier probes a trunk, and
// returns the final answer and the time to the first response.
func Ping(ctx context.Context, st Stack, t PingTarget, timeout time.Duration) (*gosip.Response, time.Duration, error) {
	self := st.Contact(t.Transport, "hookswitch")
	p := peer{transport: t.Transport, ruri: t.URI, route: t.Route, dest: t.Dest}
	req := p.newRequest(gosip.OPTIONS, self)
	from := &gosip.FromHeader{Address: gosip.Uri{Scheme: "sip", User: "hookswitch", Host: self.Host}, Params: gosip.NewParams()}
	from.Params.Add("tag", sip.NewTag())
	cid := gosip.CallIDHeader(sip.NewCallID())
	req.AppendHeader(from)
	req.AppendHeader(&gosip.ToHeader{Address: t.URI, Params: gosip.NewParams()})
	req.AppendHeader(&cid)
	req.AppendHeader(&gosip.CSeqHeader{SeqNo: 1, MethodName: gosip.OPTIONS})
	req.SetBody(nil)
	return send(ctx, st, req, timeout)
}
