package integration

import (
	"fmt"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/media"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/timecond"
	"github.com/hookswitch/hookswitch/switch/trunk"
)

// Routing over trunks (issue 7) with second hookswitch instances playing
// the providers: failover, PIN sets, the outbound caller ID, DIDs from a
// register trunk, inbound rules to groups and queues, and the trunks a
// CDR names.

// --- helpers

// waitRegistered waits until sw runs n trunks, every register trunk
// among them registered.
func waitRegistered(t *testing.T, sw *testSwitch, n int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d trunks registered", n), func() bool {
		st := sw.srv.Trunks.Status()
		if len(st) != n {
			return false
		}
		for _, s := range st {
			if s.Registration != nil && s.Registration.State != trunk.StateRegistered {
				return false
			}
		}
		return true
	})
}

// providerPair boots the switch under test on 127.0.0.4 and a provider on
// 127.0.0.2, joined by ip trunks both ways (calls are told by their
// source address, and phones all live on 127.0.0.1): on the switch,
// "prov" and the dial rule 9 + number through it; on the provider, "pbx"
// (showing callers as 4930123456) and the dial rule 0 + number through
// it. far is the provider's 1002 (it answers); caller is the provider's
// 1001, whose calls to 0 + DID come in on "prov".
func providerPair(t *testing.T) (sw, provider *testSwitch, far, caller *phone) {
	t.Helper()
	sw = newSwitch(t, onAddress("127.0.0.4"))
	provider, far = newProvider(t, false)
	for _, c := range []struct {
		on     *testSwitch
		tr     store.Trunk
		prefix string
	}{
		{sw, store.Trunk{Name: "prov", Kind: store.TrunkIP, Host: provider.sip.String(), IPs: []string{"127.0.0.2"}}, "9"},
		{provider, store.Trunk{Name: "pbx", Kind: store.TrunkIP, Host: sw.sip.String(), IPs: []string{"127.0.0.4"},
			OutboundCID: "4930123456"}, "0"},
	} {
		if err := c.on.st.PutTrunk(c.tr); err != nil {
			t.Fatal(err)
		}
		if err := c.on.srv.SyncTrunks(); err != nil {
			t.Fatal(err)
		}
		if err := c.on.st.PutOutboundRule(store.OutboundRule{Name: "out", Patterns: []store.OutboundPattern{{Prefix: c.prefix, Pattern: "X."}},
			Sources: []string{"*"}, Trunks: []string{c.tr.Name}}); err != nil {
			t.Fatal(err)
		}
	}
	caller = newPhone(t, provider, "1001")
	caller.mustRegister(t)
	return sw, provider, far, caller
}

// findCDR polls sw's CDRs for one that ok accepts.
func findCDR(t *testing.T, sw *testSwitch, what string, ok func(store.CDR) bool) store.CDR {
	t.Helper()
	var found store.CDR
	waitFor(t, what, func() bool {
		cdrs, err := sw.st.ListCDRs(store.CDRQuery{Limit: store.MaxCDRLimit})
		if err != nil {
			t.Fatalf("list cdrs: %v", err)
		}
		for _, c := range cdrs {
			if ok(c) {
				found = c
				return true
			}
		}
		return false
	})
	return found
}

// hasCDR reports whether sw has a CDR for callID now.
func hasCDR(t *testing.T, sw *testSwitch, callID string) bool {
	t.Helper()
	cdrs, err := sw.st.ListCDRs(store.CDRQuery{Limit: store.MaxCDRLimit})
	if err != nil {
		t.Fatalf("list cdrs: %v", err)
	}
	for _, c := range cdrs {
		if c.CallID == callID {
			return true
		}
	}
	return false
}

// tappedInvites lists the Call-IDs of the INVITEs a tap passed to its
// provider, in order (a challenged INVITE and its retry count once).
func tappedInvites(tp *sipTap) []string {
	var ids []string
	tp.each(func(out bool, r *sip.Request) {
		if out && r.Method == sip.INVITE && r.CallID() != nil {
			id := r.CallID().Value()
			if len(ids) == 0 || ids[len(ids)-1] != id {
				ids = append(ids, id)
			}
		}
	})
	return ids
}

// promptChunk is the loudest 40 ms of a prompt's first second, as a peer
// hears it through G.711: a fingerprint to find in what a phone heard.
func promptChunk(t *testing.T, sw *testSwitch, name string) []int16 {
	t.Helper()
	pcm, err := sw.srv.Audio.Load(name)
	if err != nil {
		t.Fatalf("prompt %s: %v", name, err)
	}
	const n = 320
	if len(pcm) < n {
		t.Fatalf("prompt %s: only %d samples", name, len(pcm))
	}
	best, bestAt := -1.0, 0
	for at := 0; at+n <= min(len(pcm), 8000); at += 40 {
		var e float64
		for _, v := range pcm[at : at+n] {
			e += float64(v) * float64(v)
		}
		if e > best {
			best, bestAt = e, at
		}
	}
	u := make([]byte, n)
	media.EncodeUlaw(u, pcm[bestAt:bestAt+n])
	out := make([]int16, n)
	media.DecodeUlaw(out, u)
	return out
}

// indexOf finds chunk in heard, sample for sample within a μ-law step, and
// returns the index just past it, or -1.
func indexOf(heard, chunk []int16) int {
	near := func(a, b int16) bool { return abs(int(a)-int(b)) <= 8+abs(int(b))/16 }
	for i := 0; i+len(chunk) <= len(heard); i++ {
		j := 0
		for j < len(chunk) && near(heard[i+j], chunk[j]) {
			j++
		}
		if j == len(chunk) {
			return i + len(chunk)
		}
	}
	return -1
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// waitPrompt waits until p has heard the named prompt after sample from,
// and returns where it was found (the next search starts there).
func waitPrompt(t *testing.T, sw *testSwitch, p *phone, from int, name string) int {
	t.Helper()
	chunk := promptChunk(t, sw, name)
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		if i := indexOf(p.rtp.audioSince(from), chunk); i >= 0 {
			return from + i
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not hear the prompt %s within %v (%d samples heard since)", p.user, name, wait, len(p.rtp.audioSince(from)))
	return 0
}

// rawUDP speaks SIP by hand from a UDP socket on an address of the test's
// choosing (a provider's), so the test writes every header itself.
type rawUDP struct {
	conn  *net.UDPConn
	local netip.AddrPort
}

func newRawUDP(t *testing.T, ip string) *rawUDP {
	t.Helper()
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.ParseIP(ip)})
	if err != nil {
		t.Fatalf("raw udp: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return &rawUDP{conn: conn, local: conn.LocalAddr().(*net.UDPAddr).AddrPort()}
}

func (r *rawUDP) send(t *testing.T, dst netip.AddrPort, msg string) {
	t.Helper()
	if _, err := r.conn.WriteToUDPAddrPort([]byte(msg), dst); err != nil {
		t.Fatalf("raw udp send: %v", err)
	}
}

// invite sends sw an INVITE for sip:ruriUser with toUser in To, from
// caller, and returns its final response (ACKed, RFC 3261 17.1.1.3).
func (r *rawUDP) invite(t *testing.T, sw *testSwitch, callID, ruriUser, toUser, caller string) *sip.Response {
	t.Helper()
	host := sw.sip.String()
	branch, tag := "z9hG4bK-"+sip.GenerateTagN(16), sip.GenerateTagN(16)
	sdp := sdpBody(r.local, 1, "sendrecv")
	head := func(method, cseq, to string) string {
		return fmt.Sprintf("%s sip:%s@%s SIP/2.0\r\n"+
			"Via: SIP/2.0/UDP %s;branch=%s;rport\r\n"+
			"Max-Forwards: 70\r\n"+
			"From: <sip:%s@%s>;tag=%s\r\n"+
			"To: %s\r\n"+
			"Call-ID: %s\r\n"+
			"CSeq: %s\r\n", method, ruriUser, host, r.local, branch, caller, r.local.Addr(), tag, to, callID, cseq)
	}
	to := fmt.Sprintf("<sip:%s@%s>", toUser, host)
	r.send(t, sw.sip, head("INVITE", "1 INVITE", to)+
		fmt.Sprintf("Contact: <sip:%s@%s>\r\nContent-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s",
			caller, r.local, len(sdp), sdp))
	buf := make([]byte, 65535)
	deadline := time.Now().Add(wait)
	for {
		r.conn.SetReadDeadline(deadline)
		n, err := r.conn.Read(buf)
		if err != nil {
			t.Fatalf("INVITE %s: no final response: %v", ruriUser, err)
		}
		msg, err := sip.ParseMessage(append([]byte(nil), buf[:n]...))
		if err != nil {
			continue
		}
		res, ok := msg.(*sip.Response)
		if !ok || res.StatusCode < 200 || res.CSeq() == nil || res.CSeq().MethodName != sip.INVITE {
			continue
		}
		if res.StatusCode >= 300 {
			r.send(t, sw.sip, head("ACK", "1 ACK", res.To().Value())+"Content-Length: 0\r\n\r\n")
		}
		return res
	}
}

// --- 1. failover

// A dial rule tries its trunks in order: the first provider's phone
// is busy (486), then the first provider refuses all calls (503, a
// drained switch); both times the second provider's phone gets the call.
// The first provider is behind a relay that keeps what it is sent, which
// proves it was asked.
func TestTrunkFailoverBusyAndUnavailable(t *testing.T) {
	t.Parallel()
	first, far1 := newProvider(t, false, noVoicemail) // busy stays busy: no mailbox answers
	second, far2 := newProvider(t, false, onAddress("127.0.0.3"))
	tap := newSIPTap(t, first.srv.Stack.Addr("tcp").String())
	sw := newSwitch(t)
	for _, tr := range []store.Trunk{
		{Name: "first", Kind: store.TrunkRegister, Host: tap.addr(), Transport: "tcp", Username: "7001", Password: "Secret-7001-pw"},
		{Name: "second", Kind: store.TrunkRegister, Host: second.sip.String(), Username: "7001", Password: "Secret-7001-pw"},
	} {
		if err := sw.st.PutTrunk(tr); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.srv.SyncTrunks(); err != nil {
		t.Fatal(err)
	}
	if err := sw.st.PutOutboundRule(store.OutboundRule{Name: "out", Patterns: []store.OutboundPattern{{Prefix: "9", Pattern: "X."}},
		Sources: []string{"*"}, Trunks: []string{"first", "second"}}); err != nil {
		t.Fatal(err)
	}
	waitRegistered(t, sw, 2)
	a := newPhone(t, sw, "1001")
	a.mustRegister(t)

	// docs/ADMIN.md: "a trunk that fails ... is skipped for the next";
	// switch/call rings trunk after trunk on any failure below 600.
	for _, step := range []struct {
		name    string
		prepare func()
		busy    bool // the first provider's phone rings and says busy
	}{
		{"busy", func() { far1.setPolicy(policyBusy, 0) }, true},
		{"unavailable", func() { first.srv.Calls.Drain() }, false},
	} {
		step.prepare()
		seen := len(tappedInvites(tap))
		c := a.dial(t, "91002")
		if step.busy {
			far1.waitIncoming(t)
		}
		in := far2.waitIncoming(t)
		d := c.answered(t)
		db := in.dialog(t)
		d.bye(t)
		db.waitBye(t)
		if cdr := sw.waitCDR(t, c.CallID()); cdr.Trunk != "second" || cdr.Direction != "outbound" || cdr.Status != store.StatusAnswered {
			t.Fatalf("%s: CDR %+v, want an answered outbound call through trunk second", step.name, cdr)
		}
		ids := tappedInvites(tap)
		if len(ids) != seen+1 {
			t.Fatalf("%s: the first provider was sent %d INVITEs for this call, want 1", step.name, len(ids)-seen)
		}
		asked := ids[len(ids)-1]
		if step.busy {
			if cdr := first.waitCDR(t, asked); cdr.Status != store.StatusBusy {
				t.Fatalf("busy: the first provider's CDR %+v, want busy", cdr)
			}
		} else {
			// Refused before it became a call: no ringing, no CDR.
			noCall(t, far1)
			if hasCDR(t, first, asked) {
				t.Fatal("unavailable: the drained provider has a CDR for the refused INVITE")
			}
		}
	}
}

// --- 2. PIN sets

// A dial rule with a PIN set: the switch answers and asks for a PIN; a
// wrong one is refused with its own prompt; three wrong ones hang up
// before any INVITE reaches the provider; the right one (RFC 4733 digits
// and #) puts the call through.
func TestDialRulePINSet(t *testing.T) {
	t.Parallel()
	provider, far := newProvider(t, false)
	tap := newSIPTap(t, provider.srv.Stack.Addr("tcp").String())
	sw := newSwitch(t)
	a := dialOut(t, sw, tap.addr(), "tcp")
	if err := sw.st.PutPINSet(store.PINSet{Name: "staff", PINs: []store.PIN{{PIN: "4815", Label: "alice"}, {PIN: "1623"}}}); err != nil {
		t.Fatal(err)
	}
	if err := sw.st.PutOutboundRule(store.OutboundRule{Name: "out", Patterns: []store.OutboundPattern{{Prefix: "9", Pattern: "X."}},
		Sources: []string{"*"}, Trunks: []string{"upstream"}, PINSet: "staff"}); err != nil {
		t.Fatal(err)
	}

	// wrongPIN answers the PIN prompt heard after sample from with a PIN
	// not in the set and waits for the refusal.
	wrongPIN := func(d *dialog, from int, pin string) int {
		t.Helper()
		at := waitPrompt(t, sw, a, from, "feature/enter_pin")
		a.rtp.sendDigits(t, d.Media(), pin+"#")
		return waitPrompt(t, sw, a, at, "feature/invalid_pin")
	}

	c := a.dial(t, "91002")
	d := c.answered(t) // the switch answers to ask for the PIN
	at := len(a.rtp.audio())
	for _, pin := range []string{"1111", "48150", "9999"} {
		at = wrongPIN(d, at, pin)
	}
	d.waitBye(t)
	noCall(t, far)
	if ids := tappedInvites(tap); len(ids) != 0 {
		t.Fatalf("three wrong PINs, yet the provider was sent %d INVITEs", len(ids))
	}
	if cdr := sw.waitCDR(t, c.CallID()); cdr.Trunk != "" {
		t.Fatalf("CDR %+v: a call that never went out names trunk %q", cdr, cdr.Trunk)
	}

	c = a.dial(t, "91002")
	d = c.answered(t)
	at = wrongPIN(d, len(a.rtp.audio()), "0000")
	waitPrompt(t, sw, a, at, "feature/enter_pin")
	a.rtp.sendDigits(t, d.Media(), "4815#")
	in := far.waitIncoming(t)
	if from := in.req.From().Address.User; from != "7001" {
		t.Errorf("the provider's phone sees %q, want the trunk account 7001", from)
	}
	db := in.dialog(t)
	a.rtp.waitQuiet(t, 200*time.Millisecond) // prompts and ringback have stopped
	exchange(t, a, d.Media(), far, db.Media(), 25, 15)
	d.bye(t)
	db.waitBye(t)
	if cdr := sw.waitCDR(t, c.CallID()); cdr.Trunk != "upstream" || cdr.Status != store.StatusAnswered {
		t.Fatalf("CDR %+v, want an answered call out through upstream", cdr)
	}
	if ids := tappedInvites(tap); len(ids) != 1 {
		t.Fatalf("the provider was sent %d INVITEs, want the one of the right PIN", len(ids))
	}
}

// --- 3. outbound caller ID

// The caller ID an ip trunk's provider sees in From, per the rule's
// caller_id, the extension's outbound CIDs and the trunk's outbound_cid.
// Observed precedence, as docs/ADMIN.md "Outbound calls" says: a fixed
// number on the rule, else the extension's CID1 (cid1, the default) or
// CID2 (cid2); "trunk", or an extension without that CID, falls to the
// trunk's outbound_cid, else the extension's own number (an ip trunk has
// no account). A chosen CID beats the trunk's outbound_cid.
func TestOutboundCallerIDChoice(t *testing.T) {
	t.Parallel()
	sw, _, far, _ := providerPair(t)
	if _, err := sw.st.UpdateFeatures("1001", func(f *store.Features) error {
		f.OutboundCID1, f.OutboundCID2 = "4930111222", "4930111000"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	phones := map[string]*phone{}
	for _, u := range []string{"1001", "1003"} { // 1003 has no outbound CIDs
		phones[u] = newPhone(t, sw, u)
		phones[u].mustRegister(t)
	}
	for _, tc := range []struct {
		rule, trunkCID, caller, want string
	}{
		{"", "4930999000", "1001", "4930111222"}, // the default is cid1
		{store.CallerIDCID1, "4930999000", "1001", "4930111222"},
		{store.CallerIDExtension, "", "1001", "4930111222"},
		{store.CallerIDCID2, "4930999000", "1001", "4930111000"},
		{"4930555", "4930999000", "1001", "4930555"},
		{store.CallerIDTrunk, "4930999000", "1001", "4930999000"},
		{store.CallerIDTrunk, "", "1001", "1001"},
		{store.CallerIDCID2, "4930999000", "1003", "4930999000"},
		{store.CallerIDCID1, "", "1003", "1003"},
	} {
		name := fmt.Sprintf("rule %q, trunk %q, from %s", tc.rule, tc.trunkCID, tc.caller)
		tr, err := sw.st.GetTrunk("prov")
		if err != nil {
			t.Fatal(err)
		}
		tr.OutboundCID = tc.trunkCID
		if err := sw.st.PutTrunk(tr); err != nil {
			t.Fatal(err)
		}
		if err := sw.st.PutOutboundRule(store.OutboundRule{Name: "out", Patterns: []store.OutboundPattern{{Prefix: "9", Pattern: "X."}},
			Sources: []string{"*"}, Trunks: []string{"prov"}, CallerID: tc.rule}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		c := phones[tc.caller].dial(t, "91002")
		in := far.waitIncoming(t)
		if from := in.req.From().Address.User; from != tc.want {
			t.Errorf("%s: the provider's phone sees %q, want %q", name, from, tc.want)
		}
		c.answered(t).bye(t)
		in.dialog(t).waitBye(t)
	}
}

// --- 4. DIDs on a register trunk

// A provider sends calls to the contact the switch registered (the
// Request-URI's user is the trunk's account, 7001) with the DID in To;
// another puts the DID in the Request-URI. Both are routed by the inbound
// rule of their DID. The INVITEs come from the provider's address,
// written by hand.
func TestRegisterTrunkDID(t *testing.T) {
	t.Parallel()
	provider, _ := newProvider(t, false)
	sw := newSwitch(t, noVoicemail)
	if err := sw.st.PutTrunk(store.Trunk{Name: "upstream", Kind: store.TrunkRegister, Host: provider.sip.String(),
		Username: "7001", Password: "Secret-7001-pw"}); err != nil {
		t.Fatal(err)
	}
	if err := sw.srv.SyncTrunks(); err != nil {
		t.Fatal(err)
	}
	waitRegistered(t, sw, 1)
	b, c := newPhone(t, sw, "1002"), newPhone(t, sw, "1003")
	for _, p := range []*phone{b, c} {
		p.mustRegister(t)
		p.setPolicy(policyBusy, 0) // the call ends at once; who rang is what counts
	}
	for _, r := range []store.InboundRule{
		{Name: "to-did", Trunks: []string{"upstream"}, DID: "4930111", Destination: store.Destination{Kind: store.DestExtension, Target: "1002"}},
		{Name: "ruri-did", Trunks: []string{"upstream"}, DID: "4930222", Destination: store.Destination{Kind: store.DestExtension, Target: "1003"}},
	} {
		if err := sw.st.PutInboundRule(r); err != nil {
			t.Fatal(err)
		}
	}
	raw := newRawUDP(t, "127.0.0.2")
	for _, tc := range []struct {
		name, ruri, to, did string
		rings, silent       *phone
	}{
		{"DID in To", "7001", "4930111", "4930111", b, c},
		// The Request-URI names a number other than the contact: it wins.
		{"DID in the Request-URI", "4930222", "4930111", "4930222", c, b},
	} {
		callID := "did-" + sip.GenerateTagN(12)
		res := raw.invite(t, sw, callID, tc.ruri, tc.to, "4930123456")
		if res.StatusCode == 404 {
			t.Fatalf("%s: 404, the DID was not routed", tc.name)
		}
		tc.rings.waitIncoming(t)
		noCall(t, tc.silent)
		if cdr := sw.waitCDR(t, callID); cdr.Callee != tc.did || cdr.InboundTrunk != "upstream" || cdr.Direction != "inbound" {
			t.Fatalf("%s: CDR %+v, want an inbound call on upstream to %s", tc.name, cdr, tc.did)
		}
	}
}

// --- 5. inbound to a ring group and a queue

// Inbound rules send trunk calls to a ring group (its member rings) and
// to a queue (the queue answers, its agent rings); a rule whose office
// hours are closed by the override goes to its closed destination.
func TestInboundToGroupAndQueue(t *testing.T) {
	t.Parallel()
	sw, _, _, caller := providerPair(t)
	b, c := newPhone(t, sw, "1002"), newPhone(t, sw, "1003")
	for _, p := range []*phone{b, c} {
		p.mustRegister(t)
		p.setPolicy(policyAnswer, 50*time.Millisecond)
	}
	putGroup(t, sw, store.Group{Number: "600", Members: []string{"1002"}, RingTime: 10})
	putQueue(t, sw, store.Queue{Number: "700", StaticAgents: []store.QueueMember{{Ext: "1003"}}})
	open, err := timecond.ParseSchedule("mon-sun 00:00-24:00")
	if err != nil {
		t.Fatal(err)
	}
	office, err := timecond.New("office", "UTC", open, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.st.PutTimeCondition(office); err != nil {
		t.Fatal(err)
	}
	for _, r := range []store.InboundRule{
		{Name: "sales", Trunks: []string{"prov"}, DID: "4930600", Destination: store.Destination{Kind: store.DestGroup, Target: "600"}},
		{Name: "support", Trunks: []string{"prov"}, DID: "4930700", Destination: store.Destination{Kind: store.DestQueue, Target: "700"}},
		{Name: "main", Trunks: []string{"prov"}, DID: "4930800", TimeCondition: "office",
			Destination: store.Destination{Kind: store.DestGroup, Target: "600"},
			Closed:      store.Destination{Kind: store.DestQueue, Target: "700"}},
	} {
		if err := sw.st.PutInboundRule(r); err != nil {
			t.Fatal(err)
		}
	}

	// ring calls DID from the provider and returns the caller's dialog
	// once answered, and the call at the phone that rang.
	ring := func(did string, rings, silent *phone) (*dialog, *incoming) {
		t.Helper()
		call := caller.dial(t, "0"+did)
		in := rings.waitIncoming(t)
		noCall(t, silent)
		d := call.answered(t)
		in.dialog(t)
		return d, in
	}
	hangup := func(d *dialog, in *incoming) {
		t.Helper()
		d.bye(t)
		in.d.waitBye(t)
	}

	d, in := ring("4930600", b, c) // the group's member
	if from := in.req.From().Address.User; from != "4930123456" {
		t.Errorf("the group's member sees the caller as %q, want the provider's caller ID", from)
	}
	hangup(d, in)
	hangup(ring("4930700", c, b)) // the queue's agent
	waitFor(t, "the queue counted the answered call", func() bool { return queueStatus(t, sw, "700").Counters.Answered == 1 })

	hangup(ring("4930800", b, c)) // open: the group
	if err := sw.st.SetOverride("office", timecond.Override{Mode: timecond.Closed}); err != nil {
		t.Fatal(err)
	}
	hangup(ring("4930800", c, b)) // closed: the queue
}

// --- 6. the trunks a CDR names

// An inbound call's CDR names the trunk it came in on, an outbound
// call's the trunk it left by, and a call in on one trunk and out on
// another (an inbound rule to an outside number) is "transit" with both.
func TestCDRTrunkFields(t *testing.T) {
	t.Parallel()
	sw, _, _, caller := providerPair(t)
	second, far2 := newProvider(t, false, onAddress("127.0.0.3"))
	if err := sw.st.PutTrunk(store.Trunk{Name: "up2", Kind: store.TrunkRegister, Host: second.sip.String(),
		Username: "7001", Password: "Secret-7001-pw"}); err != nil {
		t.Fatal(err)
	}
	if err := sw.srv.SyncTrunks(); err != nil {
		t.Fatal(err)
	}
	waitRegistered(t, sw, 2)
	if err := sw.st.PutOutboundRule(store.OutboundRule{Name: "out", Patterns: []store.OutboundPattern{{Prefix: "9", Pattern: "X."}},
		Sources: []string{"*"}, Trunks: []string{"up2"}}); err != nil {
		t.Fatal(err)
	}
	a, b := newPhone(t, sw, "1001"), newPhone(t, sw, "1002")
	a.mustRegister(t)
	b.mustRegister(t)
	b.setPolicy(policyAnswer, 50*time.Millisecond)
	for _, r := range []store.InboundRule{
		{Name: "desk", Trunks: []string{"prov"}, DID: "4930111", Destination: store.Destination{Kind: store.DestExtension, Target: "1002"}},
		{Name: "away", Trunks: []string{"prov"}, DID: "4930777", Destination: store.Destination{Kind: store.DestExternal, Target: "91002"}},
	} {
		if err := sw.st.PutInboundRule(r); err != nil {
			t.Fatal(err)
		}
	}
	talk := func(c *outCall, callee *phone) {
		t.Helper()
		in := callee.waitIncoming(t)
		c.answered(t).bye(t)
		in.dialog(t).waitBye(t)
	}
	byCallee := func(did string) func(store.CDR) bool {
		return func(c store.CDR) bool { return c.Callee == did }
	}

	talk(caller.dial(t, "04930111"), b)
	if cdr := findCDR(t, sw, "the inbound CDR", byCallee("4930111")); cdr.Direction != "inbound" ||
		cdr.InboundTrunk != "prov" || cdr.Trunk != "" || cdr.FinalDest != "1002" {
		t.Errorf("inbound CDR %+v, want direction inbound, inbound trunk prov, no outbound trunk", cdr)
	}

	out := a.dial(t, "91002")
	talk(out, far2)
	if cdr := sw.waitCDR(t, out.CallID()); cdr.Direction != "outbound" || cdr.Trunk != "up2" || cdr.InboundTrunk != "" {
		t.Errorf("outbound CDR %+v, want direction outbound through up2", cdr)
	}

	talk(caller.dial(t, "04930777"), far2)
	if cdr := findCDR(t, sw, "the transit CDR", byCallee("4930777")); cdr.Direction != "transit" ||
		cdr.InboundTrunk != "prov" || cdr.Trunk != "up2" || cdr.Status != store.StatusAnswered {
		t.Errorf("transit CDR %+v, want direction transit, in on prov, out through up2", cdr)
	}

	// A trunk whose class is internal: its callers may not go out again.
	tr, err := sw.st.GetTrunk("prov")
	if err != nil {
		t.Fatal(err)
	}
	tr.Class = "internal"
	if err := sw.st.PutTrunk(tr); err != nil {
		t.Fatal(err)
	}
	if res, _ := caller.dial(t, "04930777").final(t); res.StatusCode != 404 {
		t.Fatalf("a transit call from an internal-only trunk: %d, want 404", res.StatusCode)
	}
	noCall(t, far2)
}
