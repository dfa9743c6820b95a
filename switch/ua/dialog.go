package ua

import (
	"strings"
	"sync"

	gosip "github.com/emiago/sipgo/sip"
)

// dialog is our side of one dialog (RFC 3261 12): a call's, or a
// subscription's. We build every in-dialog request ourselves, so CSeq,
// the route set and the remote target stay under our control.
type dialog struct {
	mu        sync.Mutex
	callID    string
	localTag  string
	remoteTag string
	local     gosip.Uri // From of the requests we send
	localName string    // its display name, escaped for a quoted-string
	remote    gosip.Uri // To of the requests we send
	target    gosip.Uri // the peer's Contact: the Request-URI of our requests
	routes    []gosip.Uri
	localSeq  uint32
	remoteSeq uint32
	contact   gosip.Uri // our Contact
}

// key identifies a dialog from a request the peer sends in it: the Call-ID
// and the tag we gave (its To tag).
func key(callID, localTag string) string { return callID + "\x00" + localTag }

func (d *dialog) key() string { return key(d.callID, d.localTag) }

// uasDialog is our side of a dialog the peer's request creates.
func uasDialog(req *gosip.Request, localTag string, contact gosip.Uri) *dialog {
	d := &dialog{
		callID:    req.CallID().Value(),
		localTag:  localTag,
		remoteTag: tagOf(req.From().Params),
		local:     *req.To().Address.Clone(),
		remote:    *req.From().Address.Clone(),
		remoteSeq: req.CSeq().SeqNo,
		contact:   contact,
	}
	if c := req.Contact(); c != nil {
		d.target = *c.Address.Clone()
	} else {
		d.target = *req.From().Address.Clone()
	}
	for _, h := range req.GetHeaders("Record-Route") {
		if rr, ok := h.(*gosip.RecordRouteHeader); ok {
			d.routes = append(d.routes, *rr.Address.Clone())
		}
	}
	return d
}

// confirm completes a dialog we started from the response that
// establishes it (RFC 3261 12.1.2).
func (d *dialog) confirm(res *gosip.Response) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if to := res.To(); to != nil {
		d.remoteTag = tagOf(to.Params)
	}
	if c := res.Contact(); c != nil {
		d.target = *c.Address.Clone()
	}
	d.routes = d.routes[:0]
	rrs := res.GetHeaders("Record-Route")
	for i := len(rrs) - 1; i >= 0; i-- { // the UAC reverses the route set
		if rr, ok := rrs[i].(*gosip.RecordRouteHeader); ok {
			d.routes = append(d.routes, *rr.Address.Clone())
		}
	}
}

// learnTag takes the peer's tag from a request that creates the dialog on
// its side (a subscription's first NOTIFY, RFC 6665 4.1.2.4).
func (d *dialog) learnTag(tag string, contact *gosip.ContactHeader) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.remoteTag == "" {
		d.remoteTag = tag
		if contact != nil {
			d.target = *contact.Address.Clone()
		}
	}
}

// matches says whether a request the peer sent belongs to this dialog:
// its From tag is the peer's.
func (d *dialog) matches(req *gosip.Request) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.remoteTag != "" && tagOf(req.From().Params) == d.remoteTag
}

// accept checks and records the CSeq of a request the peer sent in the
// dialog (RFC 3261 12.2.2): an old or repeated one gets 500.
func (d *dialog) accept(req *gosip.Request) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := req.CSeq().SeqNo
	if d.remoteSeq != 0 && n <= d.remoteSeq {
		return false
	}
	d.remoteSeq = n
	if c := req.Contact(); c != nil && req.Method == gosip.INVITE {
		d.target = *c.Address.Clone() // a re-INVITE refreshes the target (RFC 3261 12.2.2)
	}
	return true
}

// request builds an in-dialog request; cseq 0 takes the next number
// (ACK and CANCEL pass their INVITE's).
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
	if method != gosip.CANCEL {
		req.AppendHeader(&gosip.ContactHeader{Address: *d.contact.Clone()})
	}
	return req
}

// tagOf reads a tag parameter; sipgo may leave it absent or empty.
func tagOf(p gosip.HeaderParams) string {
	if p == nil {
		return ""
	}
	t, _ := p.Get("tag")
	return t
}

// quoteName escapes a display name for sipgo, which writes it between
// quotes as it is (RFC 3261 25.1 quoted-pair).
func quoteName(s string) string {
	if !strings.ContainsAny(s, `"\`) {
		return s
	}
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}
