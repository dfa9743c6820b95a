package call

import (
	"strings"
	"sync"

	gosip "github.com/emiago/sipgo/sip"
)

// dialog is one side's dialog state (RFC 3261 12). We build every in-dialog
// request ourselves so the B2BUA controls CSeq, route set and destination.
type dialog struct {
	mu        sync.Mutex
	callID    string
	localTag  string
	remoteTag string
	local     gosip.Uri // From of the requests we send
	localName string
	remote    gosip.Uri // To of the requests we send
	target    gosip.Uri // the peer's Contact
	routes    []gosip.Uri
	localSeq  uint32
	remoteSeq uint32
	// dest is where requests go: the address the dialog's first message came
	// from, which traverses NAT and outbound proxies alike.
	dest      string
	transport string
	contact   gosip.Uri // our Contact on this leg
}

// key identifies a dialog from an incoming in-dialog request: its Call-ID
// and the tag we gave (the To tag of requests the peer sends).
func key(callID, localTag string) string { return callID + "\x00" + localTag }

func (d *dialog) key() string { return key(d.callID, d.localTag) }

// peerTag is the remote tag, which a 2xx may set (confirm).
func (d *dialog) peerTag() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.remoteTag
}

// uasDialog is the caller's side, built from its INVITE.
func uasDialog(req *gosip.Request, localTag string, contact gosip.Uri) *dialog {
	d := &dialog{
		callID:    req.CallID().Value(),
		localTag:  localTag,
		local:     req.To().Address,
		remote:    req.From().Address,
		remoteTag: tagOf(req.From().Params),
		remoteSeq: req.CSeq().SeqNo,
		dest:      req.Source(),
		transport: req.Transport(),
		contact:   contact,
		localSeq:  1,
	}
	if c := req.Contact(); c != nil {
		d.target = c.Address
	} else {
		d.target = req.From().Address
	}
	for _, h := range req.GetHeaders("Record-Route") {
		if rr, ok := h.(*gosip.RecordRouteHeader); ok {
			d.routes = append(d.routes, rr.Address)
		}
	}
	return d
}

// confirm completes a UAC dialog from the 2xx (or a 1xx with a tag).
func (d *dialog) confirm(res *gosip.Response) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if to := res.To(); to != nil {
		d.remoteTag = tagOf(to.Params)
	}
	if c := res.Contact(); c != nil {
		d.target = c.Address
	}
	d.routes = d.routes[:0]
	rrs := res.GetHeaders("Record-Route")
	for i := len(rrs) - 1; i >= 0; i-- { // the UAC reverses the route set
		if rr, ok := rrs[i].(*gosip.RecordRouteHeader); ok {
			d.routes = append(d.routes, rr.Address)
		}
	}
}

// request builds an in-dialog request; ACK takes cseq from the INVITE it acknowledges.
func (d *dialog) request(method gosip.RequestMethod, cseq uint32) *gosip.Request {
	d.mu.Lock()
	defer d.mu.Unlock()
	if cseq == 0 {
		d.localSeq++
		cseq = d.localSeq
	}
	req := gosip.NewRequest(method, *d.target.Clone())
	for _, r := range d.routes {
		req.AppendHeader(&gosip.RouteHeader{Address: *r.Clone()})
	}
	from := &gosip.FromHeader{DisplayName: d.localName, Address: *d.local.Clone(), Params: gosip.NewParams()}
	from.Params.Add("tag", d.localTag)
	to := &gosip.ToHeader{Address: *d.remote.Clone(), Params: gosip.NewParams()}
	if d.remoteTag != "" {
		to.Params.Add("tag", d.remoteTag)
	}
	cid := gosip.CallIDHeader(d.callID)
	mf := gosip.MaxForwardsHeader(70)
	req.AppendHeader(from)
	req.AppendHeader(to)
	req.AppendHeader(&cid)
	req.AppendHeader(&gosip.CSeqHeader{SeqNo: cseq, MethodName: method})
	req.AppendHeader(&mf)
	req.AppendHeader(&gosip.ContactHeader{Address: d.contact})
	req.SetTransport(strings.ToUpper(d.transport))
	req.SetDestination(d.dest)
	req.SetBody(nil) // Content-Length: 0, required on streams (RFC 3261 20.14)
	return req
}

// accept checks an incoming in-dialog request's CSeq (RFC 3261 12.2.2):
// lower than the last one is out of order.
func (d *dialog) accept(req *gosip.Request) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := req.CSeq().SeqNo
	if req.Method == gosip.ACK || req.Method == gosip.CANCEL {
		return true
	}
	if d.remoteSeq != 0 && n <= d.remoteSeq {
		return false
	}
	d.remoteSeq = n
	return true
}

func tagOf(p gosip.HeaderParams) string {
	t, _ := p.Get("tag")
	return t
}
