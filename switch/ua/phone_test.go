package ua

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	gosip "github.com/emiago/sipgo/sip"
)

// phone is a plain SIP phone made of sipgo's own client and dialog
// helpers, so the calls tested against it do not check this package
// against itself. It answers every call (180, then 200 with its SDP).
type phone struct {
	user     string
	sw       netip.AddrPort
	addr     netip.AddrPort
	cli      *sipgo.Client
	contact  gosip.ContactHeader
	uas      *sipgo.DialogServerCache
	uac      *sipgo.DialogClientCache
	answered chan *sipgo.DialogServerSession // calls it answered, once ACKed
	byes     chan *gosip.Request
	infos    chan *gosip.Request
}

const phoneRTP = 31000

func newPhone(t testing.TB, sw netip.AddrPort, user string) *phone {
	t.Helper()
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("testphone"), sipgo.WithUserAgentHostname("127.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sipgo.NewServer(ua)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := netip.MustParseAddrPort(conn.LocalAddr().String())
	cli, err := sipgo.NewClient(ua, sipgo.WithClientHostname("127.0.0.1"), sipgo.WithClientPort(int(addr.Port())),
		sipgo.WithClientConnectionAddr(addr.String()))
	if err != nil {
		t.Fatal(err)
	}
	p := &phone{user: user, sw: sw, addr: addr, cli: cli,
		contact:  gosip.ContactHeader{Address: gosip.Uri{Scheme: "sip", User: user, Host: "127.0.0.1", Port: int(addr.Port())}},
		answered: make(chan *sipgo.DialogServerSession, 4), byes: make(chan *gosip.Request, 4), infos: make(chan *gosip.Request, 8)}
	p.uas = sipgo.NewDialogServerCache(cli, p.contact)
	p.uac = sipgo.NewDialogClientCache(cli, p.contact)
	srv.OnInvite(func(req *gosip.Request, tx gosip.ServerTransaction) {
		if tagOf(req.To().Params) != "" { // a re-INVITE: accept what is offered
			res := gosip.NewSDPResponseFromRequest(req, sdpAt(phoneRTP, 9))
			tx.Respond(res)
			return
		}
		d, err := p.uas.ReadInvite(req, tx)
		if err != nil {
			tx.Respond(gosip.NewResponseFromRequest(req, 400, err.Error(), nil))
			return
		}
		d.Respond(180, "Ringing", nil)
		if err := d.RespondSDP(sdpAt(phoneRTP, 1)); err == nil { // returns once ACKed
			p.answered <- d
		}
	})
	srv.OnAck(func(req *gosip.Request, tx gosip.ServerTransaction) { p.uas.ReadAck(req, tx) })
	srv.OnBye(func(req *gosip.Request, tx gosip.ServerTransaction) {
		if err := p.uas.ReadBye(req, tx); err != nil {
			if err := p.uac.ReadBye(req, tx); err != nil {
				tx.Respond(gosip.NewResponseFromRequest(req, 481, "No Such Call", nil))
				return
			}
		}
		p.byes <- req
	})
	srv.OnInfo(func(req *gosip.Request, tx gosip.ServerTransaction) {
		tx.Respond(gosip.NewResponseFromRequest(req, 200, "OK", nil))
		p.infos <- req
	})
	srv.OnOptions(func(req *gosip.Request, tx gosip.ServerTransaction) {
		tx.Respond(gosip.NewResponseFromRequest(req, 200, "OK", nil))
	})
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.ServeUDP(conn)
	}()
	waitFor(t, "the phone's socket served", func() bool {
		c, err := ua.TransportLayer().GetConnection("udp", addr.String())
		return err == nil && c != nil
	})
	t.Cleanup(func() {
		ua.Close()
		conn.Close()
		<-done
	})
	return p
}

// switchURI is a Request-URI at the switch.
func (p *phone) switchURI(user string) gosip.Uri {
	return gosip.Uri{Scheme: "sip", User: user, Host: "127.0.0.1", Port: int(p.sw.Port())}
}

func (p *phone) register(t testing.TB) {
	t.Helper()
	req := gosip.NewRequest(gosip.REGISTER, p.switchURI(""))
	aor := gosip.Uri{Scheme: "sip", User: p.user, Host: "127.0.0.1"}
	req.AppendHeader(&gosip.ToHeader{Address: aor})
	req.AppendHeader(&gosip.FromHeader{Address: aor, Params: gosip.HeaderParams{{K: "tag", V: gosip.GenerateTagN(12)}}})
	req.AppendHeader(&p.contact)
	req.AppendHeader(gosip.NewHeader("Expires", "600"))
	req.SetDestination(p.sw.String())
	ctx := ctxWait(t)
	res, err := p.cli.Do(ctx, req)
	if err == nil && res.StatusCode == 401 {
		res, err = p.cli.DoDigestAuth(ctx, req, res, sipgo.DigestAuth{Username: p.user, Password: passwordOf(p.user)})
	}
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("phone %s register: %v %v", p.user, res, err)
	}
}

// dial calls ext through the switch and returns the answered dialog.
func (p *phone) dial(t testing.TB, ext string) *sipgo.DialogClientSession {
	t.Helper()
	ctx := ctxWait(t)
	req := gosip.NewRequest(gosip.INVITE, p.switchURI(ext))
	req.AppendHeader(&gosip.ToHeader{Address: gosip.Uri{Scheme: "sip", User: ext, Host: "127.0.0.1"}})
	req.AppendHeader(&gosip.FromHeader{DisplayName: "Phone " + p.user, Address: gosip.Uri{Scheme: "sip", User: p.user, Host: "127.0.0.1"},
		Params: gosip.HeaderParams{{K: "tag", V: gosip.GenerateTagN(12)}}})
	req.AppendHeader(gosip.NewHeader("Content-Type", "application/sdp"))
	req.SetBody(sdpAt(phoneRTP, 1))
	req.SetDestination(p.sw.String())
	d, err := p.uac.WriteInvite(ctx, req)
	if err != nil {
		t.Fatalf("phone invite: %v", err)
	}
	if err := d.WaitAnswer(ctx, sipgo.AnswerOptions{Username: p.user, Password: passwordOf(p.user)}); err != nil {
		t.Fatalf("phone %s calling %s: %v", p.user, ext, err)
	}
	if err := d.Ack(ctx); err != nil {
		t.Fatalf("phone ack: %v", err)
	}
	return d
}

func recvReq(t testing.TB, ch chan *gosip.Request, what string) *gosip.Request {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(wait):
		t.Fatalf("no %s within %v", what, wait)
		return nil
	}
}
