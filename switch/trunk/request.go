package trunk

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	gosip "github.com/emiago/sipgo/sip"
)

// Stack is what trunks need from the SIP stack; *sip.Stack has it.
type Stack interface {
	// RequestAsIs sends a request whose Via we built (with rport, RFC
	// 3581, so the answer tells us our public address) in a client
	// transaction.
	RequestAsIs(ctx context.Context, req *gosip.Request) (gosip.ClientTransaction, error)
	// Contact is our URI on a transport; port 0 means no listener.
	Contact(transport, user string) gosip.Uri
}

// peer is where a trunk's requests go.
type peer struct {
	transport string    // lower case
	ruri      gosip.Uri // Request-URI
	route     *gosip.Uri
	dest      string // host:port the datagrams or connection go to
}

// newPeer resolves the addressing of requests to target (host[:port]),
// through proxy when it is not empty.
func newPeer(transport, target, proxy string) (peer, error) {
	host, port, err := splitHostPort(target)
	if err != nil {
		return peer{}, err
	}
	p := peer{transport: transport, ruri: gosip.Uri{Scheme: "sip", Host: host, Port: port}}
	if transport != "udp" {
		p.ruri.UriParams = gosip.HeaderParams{{K: "transport", V: transport}}
	}
	p.dest = joinHostPort(host, port, transport)
	if proxy != "" {
		phost, pport, err := splitHostPort(proxy)
		if err != nil {
			return peer{}, err
		}
		r := gosip.Uri{Scheme: "sip", Host: phost, Port: pport, UriParams: gosip.HeaderParams{{K: "lr", V: ""}}}
		if transport != "udp" {
			r.UriParams.Add("transport", transport)
		}
		p.route = &r
		p.dest = joinHostPort(phost, pport, transport)
	}
	return p, nil
}

func joinHostPort(host string, port int, transport string) string {
	if port == 0 {
		// No DNS SRV (RFC 3263) yet: the default port of the transport.
		port = 5060
		if transport == "tls" {
			port = 5061
		}
	}
	return net.JoinHostPort(host, strconv.Itoa(port))
}

// newRequest starts a request to p with our own Via (self is our Contact on
// p's transport). The caller adds From, To, Call-ID, CSeq and the rest.
func (p peer) newRequest(method gosip.RequestMethod, self gosip.Uri) *gosip.Request {
	req := gosip.NewRequest(method, p.ruri)
	via := &gosip.ViaHeader{ProtocolName: "SIP", ProtocolVersion: "2.0", Transport: strings.ToUpper(p.transport),
		Host: self.Host, Port: self.Port, Params: gosip.NewParams()}
	via.Params.Add("branch", gosip.GenerateBranch())
	via.Params.Add("rport", "")
	req.AppendHeader(via)
	if p.route != nil {
		req.AppendHeader(&gosip.RouteHeader{Address: *p.route})
	}
	mf := gosip.MaxForwardsHeader(70)
	req.AppendHeader(&mf)
	req.SetTransport(strings.ToUpper(p.transport))
	req.SetDestination(p.dest)
	return req
}

// send runs one client transaction and returns its final response and the
// time to the first response (any, provisional included). A timeout wraps
// ErrTimeout, a failure to send ErrTransport; the parent's cancellation
// returns ctx.Err().
func send(ctx context.Context, st Stack, req *gosip.Request, timeout time.Duration) (*gosip.Response, time.Duration, error) {
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	tx, err := st.RequestAsIs(tctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		return nil, 0, fmt.Errorf("%w: send %s to %s: %w", ErrTransport, req.Method, req.Destination(), err)
	}
	defer tx.Terminate()
	var rtt time.Duration
	for {
		select {
		case res := <-tx.Responses():
			if res == nil {
				continue
			}
			if rtt == 0 {
				rtt = max(time.Since(start), time.Nanosecond)
			}
			if res.IsProvisional() {
				continue
			}
			return res, rtt, nil
		case <-tx.Done():
			err := tx.Err()
			if err == nil {
				err = errors.New("transaction ended without a final response")
			}
			if errors.Is(err, gosip.ErrTransactionTimeout) {
				return nil, rtt, fmt.Errorf("%w to %s from %s", ErrTimeout, req.Method, req.Destination())
			}
			return nil, rtt, fmt.Errorf("%w: %s to %s: %w", ErrTransport, req.Method, req.Destination(), err)
		case <-tctx.Done():
			if ctx.Err() != nil {
				return nil, rtt, ctx.Err()
			}
			return nil, rtt, fmt.Errorf("%w to %s from %s within %v", ErrTimeout, req.Method, req.Destination(), timeout)
		}
	}
}

// failureStatus maps a send error to the status RFC 3261 8.1.3.1 says to
// treat it as.
func failureStatus(err error) (int, string) {
	if errors.Is(err, ErrTimeout) {
		return 408, "Request Timeout"
	}
	return 503, "Service Unavailable"
}
