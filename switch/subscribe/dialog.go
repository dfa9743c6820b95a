package subscribe

import (
	"errors"
	"fmt"
	"strings"

	gosip "github.com/emiago/sipgo/sip"
)

// dialog is the notifier's side of a subscription dialog (RFC 6665 4.3,
// RFC 3261 12.1.1), built from the SUBSCRIBE that created it. The server's
// lock guards it.
type dialog struct {
	callID    string
	localTag  string // ours: the To tag of the 200 and the From tag of NOTIFYs
	remoteTag string
	local     gosip.Uri // From of NOTIFYs: the SUBSCRIBE's To
	remote    gosip.Uri // To of NOTIFYs: the SUBSCRIBE's From
	target    gosip.Uri // the subscriber's Contact
	routes    []gosip.Uri
	localSeq  uint32
	remoteSeq uint32
	// dest is where NOTIFYs go: the address the SUBSCRIBE came from, which
	// traverses NAT and a record-routing proxy alike (as the B2BUA does).
	dest      string
	transport string
	contact   gosip.Uri // our Contact
}

// key identifies a dialog from a request the subscriber sends: its Call-ID
// and the tag we gave (the To tag).
func key(callID, localTag string) string { return callID + "\x00" + localTag }

func (d *dialog) key() string { return key(d.callID, d.localTag) }

// newDialog builds the dialog of an initial SUBSCRIBE. Route set: the
// Record-Route headers in order, as a UAS keeps them (RFC 3261 12.1.1).
func newDialog(req *gosip.Request, localTag string, contact gosip.Uri) (*dialog, error) {
	from, to, cid, cseq := req.From(), req.To(), req.CallID(), req.CSeq()
	if from == nil || to == nil || cid == nil || cseq == nil {
		return nil, errors.New("missing From, To, Call-ID or CSeq")
	}
	remoteTag, _ := from.Params.Get("tag")
	switch {
	case remoteTag == "":
		return nil, errors.New("From has no tag")
	case len(remoteTag) > maxIDLen:
		return nil, errors.New("From tag too long")
	case cid.Value() == "" || len(cid.Value()) > maxIDLen:
		return nil, errors.New("Call-ID empty or too long")
	}
	target, err := contactOf(req)
	if err != nil {
		return nil, err
	}
	d := &dialog{
		callID:    cid.Value(),
		localTag:  localTag,
		remoteTag: remoteTag,
		local:     *to.Address.Clone(),
		remote:    *from.Address.Clone(),
		target:    target,
		remoteSeq: cseq.SeqNo,
		dest:      req.Source(),
		transport: strings.ToLower(req.Transport()),
		contact:   contact,
	}
	if s := d.local.String(); len(s) > maxURILen {
		return nil, errors.New("To URI too long")
	}
	if s := d.remote.String(); len(s) > maxURILen {
		return nil, errors.New("From URI too long")
	}
	rrs := req.GetHeaders("Record-Route")
	if len(rrs) > maxRoutes {
		return nil, fmt.Errorf("%d Record-Route entries (at most %d)", len(rrs), maxRoutes)
	}
	for _, h := range rrs {
		rr, ok := h.(*gosip.RecordRouteHeader)
		if !ok || len(rr.Address.String()) > maxURILen {
			return nil, errors.New("invalid Record-Route")
		}
		if !rr.Address.UriParams.Has("lr") {
			// A strict router (RFC 2543) needs the Request-URI rewritten;
			// we support loose routing only.
			return nil, errors.New("Record-Route without lr (strict routing is not supported)")
		}
		d.routes = append(d.routes, *rr.Address.Clone())
	}
	return d, nil
}

// contactOf is the one Contact of a SUBSCRIBE: required, a sip or sips
// URI, bounded in size.
func contactOf(req *gosip.Request) (gosip.Uri, error) {
	hs := req.GetHeaders("Contact")
	switch len(hs) {
	case 0:
		return gosip.Uri{}, errors.New("no Contact")
	case 1:
	default:
		return gosip.Uri{}, fmt.Errorf("%d Contact headers", len(hs))
	}
	c, ok := hs[0].(*gosip.ContactHeader)
	switch {
	case !ok:
		return gosip.Uri{}, errors.New("invalid Contact")
	case c.Address.Wildcard:
		return gosip.Uri{}, errors.New("wildcard Contact")
	case c.Address.Scheme != "sip" && c.Address.Scheme != "sips":
		return gosip.Uri{}, fmt.Errorf("Contact scheme %.16q is not sip or sips", c.Address.Scheme)
	case c.Address.Host == "":
		return gosip.Uri{}, errors.New("Contact has no host")
	case len(c.Address.String()) > maxURILen:
		return gosip.Uri{}, errors.New("Contact too long")
	}
	return *c.Address.Clone(), nil
}

// notify builds the next NOTIFY of the dialog (RFC 6665 4.2.2), without
// body and state headers.
func (d *dialog) notify() *gosip.Request {
	d.localSeq++
	req := gosip.NewRequest(gosip.NOTIFY, *d.target.Clone())
	for _, r := range d.routes {
		req.AppendHeader(&gosip.RouteHeader{Address: *r.Clone()})
	}
	from := &gosip.FromHeader{Address: *d.local.Clone(), Params: gosip.NewParams()}
	from.Params.Add("tag", d.localTag)
	to := &gosip.ToHeader{Address: *d.remote.Clone(), Params: gosip.NewParams()}
	to.Params.Add("tag", d.remoteTag)
	cid := gosip.CallIDHeader(d.callID)
	mf := gosip.MaxForwardsHeader(70)
	req.AppendHeader(from)
	req.AppendHeader(to)
	req.AppendHeader(&cid)
	req.AppendHeader(&gosip.CSeqHeader{SeqNo: d.localSeq, MethodName: gosip.NOTIFY})
	req.AppendHeader(&mf)
	req.AppendHeader(&gosip.ContactHeader{Address: *d.contact.Clone()})
	req.SetTransport(strings.ToUpper(d.transport))
	req.SetDestination(d.dest)
	return req
}
