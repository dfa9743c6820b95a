package e2e

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/tests/browser"
)

// The numbers of the trunk tests: the PBX's DID at the provider, what
// 1001 dials for it (0 to get out, then the national number: the PBX's
// dial rule strips the 0 and prepends the country code 49), the caller
// number the PBX sends on its IP trunk, and the account it registers as
// on its register trunk.
const (
	trunkDID     = "4930123400"
	trunkDialled = "030123400"
	trunkCLI     = "4930123499"
	trunkAccount = "7001"
	trunkSecret  = "Trunk-7001-secret"
)

// TestBaresipTrunkIP: 1001 at the PBX (a hookswitch on 127.0.0.1) dials
// an outside number; the PBX's dial rule sends it through its IP trunk to
// the provider (a second hookswitch on 127.0.0.2), whose inbound rule
// sends the DID out again, through its IP trunk back to the PBX, whose
// inbound rule rings 1002. Both switches are configured with the CLI and
// both anchor the media, so each phone must hear the other's tone across
// four legs. The inbound rules name their trunk and trunks skip
// authentication, so the call coming through proves each switch told
// the other's INVITE by its source address.
func TestBaresipTrunkIP(t *testing.T) {
	r := newTrunkRig(t,
		func(provPort int) []string {
			return []string{"trunk", "set", "prov", "--kind", "ip", "--host", provIP + ":" + strconv.Itoa(provPort),
				"--ips", provIP, "--outbound-cid", trunkCLI}
		},
		func(pbxPort int) []string {
			return []string{"trunk", "set", "pbx", "--kind", "ip", "--host", pbxIP + ":" + strconv.Itoa(pbxPort), "--ips", pbxIP}
		})
	r.pbx.admin(t, "route", "outbound", "add", "national", "--pattern", "0:NX.:49", "--trunk", "prov", "--caller-id", "trunk")
	r.configureRoutes(t)
	r.start(t)

	a, b := r.trunkCall(t)
	checkTrunkCall(t, r, a, b, trunkCLI)
}

// TestBaresipTrunkRegister: the same round trip over a register trunk.
// The PBX registers to the provider as account 7001 (the provider's
// accept-register trunk: a gateway registering to it); the provider
// sends the DID to where the account registered, with the DID as the
// Request-URI and To user (the account only picks the binding), and the
// PBX takes it as an inbound call on its register trunk. Calls out carry
// the account as the caller.
func TestBaresipTrunkRegister(t *testing.T) {
	r := newTrunkRig(t,
		func(provPort int) []string {
			return []string{"trunk", "set", "prov", "--kind", "register", "--host", provIP + ":" + strconv.Itoa(provPort),
				"--username", trunkAccount, "--password", trunkSecret, "--expiry", "300"}
		},
		func(int) []string {
			return []string{"trunk", "set", "pbx", "--kind", "accept-register", "--username", trunkAccount, "--password", trunkSecret}
		})
	r.pbx.admin(t, "route", "outbound", "add", "national", "--pattern", "0:NX.:49", "--trunk", "prov")
	r.configureRoutes(t)
	r.start(t)

	if err := r.pbx.srv.WaitOutput(reTrunkRegistered, 15*time.Second); err != nil {
		t.Fatalf("the register trunk did not register: %v", err)
	}
	// Both through the running switches' control sockets.
	if list, err := r.pbx.tryAdmin("trunk", "list"); err != nil {
		t.Error(err)
	} else if !strings.Contains(list, "registered until") {
		t.Errorf("pbx trunk list does not show the registration:\n%s", list)
	}
	if regs, err := r.prov.tryAdmin("reg", "list"); err != nil {
		t.Error(err)
	} else if !regexp.MustCompile(`(?m)^` + trunkAccount + `\s.*` + regexp.QuoteMeta(r.pbx.addr())).MatchString(regs) {
		t.Errorf("provider reg list has no binding of %s at the pbx's %s:\n%s", trunkAccount, r.pbx.addr(), regs)
	}

	a, b := r.trunkCall(t)
	checkTrunkCall(t, r, a, b, trunkAccount)
}

var reTrunkRegistered = regexp.MustCompile(`msg="trunk registration" trunk=prov status="registered until`)

// configureRoutes adds the rules both trunk tests share, on the stopped
// switches (the store directly), after the trunks they name: the PBX's
// DID rings 1002, and the provider sends the DID back to the PBX, by an
// inbound rule to an external number, which goes out by a dial rule open
// to every extension (scripts/dialplan.lua). That external number is the
// DID in international form (00 49...), and only the dial rule to the
// PBX strips the 00: were the PBX's call not taken as one from trunk pbx
// but as one from an authenticated user (the account of a register
// trunk authenticates), it would be routed by the dialled number,
// 4930123400, which no dial rule matches, and fail.
func (r *trunkRig) configureRoutes(t *testing.T) {
	t.Helper()
	r.pbx.sw.Admin(t, "ext", "add", "1001", "--password", password1001)
	r.pbx.sw.Admin(t, "ext", "add", "1002", "--password", password1002)
	r.pbx.admin(t, "route", "inbound", "add", "office", "--did", trunkDID, "--trunk", "prov", "--dest", "extension:1002")
	r.prov.admin(t, "route", "inbound", "add", "pbx-did", "--did", trunkDID, "--trunk", "pbx", "--dest", "external:00"+trunkDID)
	r.prov.admin(t, "route", "outbound", "add", "to-pbx", "--pattern", "00:49X.", "--trunk", "pbx")
	for _, s := range []*trunkSide{r.pbx, r.prov} {
		t.Logf("%s trunks:\n%s\n%s outbound rules:\n%s\n%s inbound rules:\n%s", s.label, s.admin(t, "trunk", "list"),
			s.label, s.admin(t, "route", "outbound", "list"), s.label, s.admin(t, "route", "inbound", "list"))
	}
}

// trunkCall registers 1001 and 1002 (auto answer) at the PBX, lets 1001
// dial the DID's national number, waits until each hears the other's
// tone, talks a while, and hangs up from 1001. It stops the phones and
// then the switches, so recordings and CDRs are complete.
func (r *trunkRig) trunkCall(t *testing.T) (a, b *browser.Baresip) {
	t.Helper()
	wav1001, wav1002 := writeTones(t)
	b = r.phone(t, "1002", wav1002, "34600-34699", ";answermode=auto")
	a = r.phone(t, "1001", wav1001, "34500-34599", "")
	a.Command(t, "/dial sip:"+trunkDialled+"@"+r.pbx.addr())
	for _, u := range []*browser.Baresip{a, b} {
		if err := u.WaitOutput(browser.BaresipEstablished, 20*time.Second); err != nil {
			t.Fatalf("the call did not come through: %v", err)
		}
	}
	waitHeard(t, a, tone1002, time.Second, 15*time.Second)
	waitHeard(t, b, tone1001, time.Second, 15*time.Second)
	time.Sleep(3 * time.Second)
	hangUp(t, a)
	if err := b.WaitOutput(browser.BaresipTerminated, 10*time.Second); err != nil {
		t.Error(err)
	}
	stopUA(a)
	stopUA(b)
	r.stop(t)
	r.logWarnings(t)
	return a, b
}

// checkTrunkCall checks the round trip after the fact: the tones each
// phone heard, the SIP the phones saw, and both switches' CDRs. caller is
// the number the PBX sent on its trunk, which the provider passes back.
func checkTrunkCall(t *testing.T, r *trunkRig, a, b *browser.Baresip, caller string) {
	t.Helper()
	heardA, heardB := recording(t, a), recording(t, b)
	t.Logf("1001: %v recorded; %v of 1002's tone, %v of its own", samplesDur(len(heardA)), toneTime(heardA, tone1002), toneTime(heardA, tone1001))
	t.Logf("1002: %v recorded; %v of 1001's tone, %v of its own", samplesDur(len(heardB)), toneTime(heardB, tone1001), toneTime(heardB, tone1002))
	checkTones(t, "1001", heardA, tone1002, tone1001)
	checkTones(t, "1002", heardB, tone1001, tone1002)
	browser.CheckBaresipRTPFromSwitch(t, a)
	browser.CheckBaresipRTPFromSwitch(t, b)

	out := tracedINVITE(a, false)
	if out == nil {
		t.Fatal("1001 sent no INVITE (baresip's -s trace)")
	}
	in := tracedINVITE(b, true)
	if in == nil {
		t.Fatal("1002 received no INVITE (baresip's -s trace)")
	}
	t.Logf("1002 received from %s:\n%s", in.src, in.msg)
	if in.src != r.pbx.addr() {
		t.Errorf("1002's INVITE came from %s, want the pbx at %s", in.src, r.pbx.addr())
	}
	if u := uriUser(in.header("From")); u != caller {
		t.Errorf("1002 sees the caller as %q (From: %s), want %s as the provider sent it", u, in.header("From"), caller)
	}

	pbx, prov := r.pbx.sw.CDRs(t), r.prov.sw.CDRs(t)
	for _, c := range []struct {
		label string
		recs  []map[string]any
	}{{"pbx", pbx}, {"provider", prov}} {
		all, _ := json.MarshalIndent(c.recs, "", "  ")
		t.Logf("%s CDRs: %s", c.label, all)
	}
	// The PBX: 1001's call out (its CDR is the call 1001 placed), and the
	// call back in from the provider to the DID, put through to 1002.
	// Each leg ends by the caller's side hanging up, in turn.
	if len(pbx) != 2 {
		t.Errorf("pbx: %d CDRs, want 2 (1001's call out, the call in to 1002)", len(pbx))
	}
	checkTrunkCDR(t, "pbx call out", pbx, wantCDR{callID: out.header("Call-ID"), caller: "1001", callee: trunkDialled,
		direction: "outbound", finalDest: trunkDID, trunk: "prov"})
	checkTrunkCDR(t, "pbx call in", pbx, wantCDR{caller: caller, callee: trunkDID, direction: "inbound", finalDest: "1002",
		inboundTrunk: "prov"})
	// The provider: one call, in on trunk pbx and out again on it: transit.
	if len(prov) != 1 {
		t.Errorf("provider: %d CDRs, want 1 (the call in from the pbx and out again)", len(prov))
	}
	checkTrunkCDR(t, "provider", prov, wantCDR{caller: caller, callee: trunkDID, direction: "transit", finalDest: trunkDID,
		trunk: "pbx", inboundTrunk: "pbx"})
}

// wantCDR is what a trunk test expects of one CDR; callID is checked
// when set.
type wantCDR struct {
	callID, caller, callee, direction, finalDest string
	trunk, inboundTrunk                          string // checked when set
}

// checkTrunkCDR finds the CDR of recs from w.caller to w.callee and checks
// it: answered, talked, the caller's side hung up, and w's fields.
func checkTrunkCDR(t *testing.T, label string, recs []map[string]any, w wantCDR) {
	t.Helper()
	var found []map[string]any
	for _, r := range recs {
		if str(r["caller"]) == w.caller && str(r["callee"]) == w.callee {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Errorf("%s: %d CDRs from %s to %s, want 1", label, len(found), w.caller, w.callee)
		return
	}
	r := found[0]
	for _, f := range []struct{ field, want string }{
		{"call_id", w.callID}, {"direction", w.direction}, {"final_dest", w.finalDest},
		{"trunk", w.trunk}, {"inbound_trunk", w.inboundTrunk},
		{"call_status", "answered"}, {"ended_reason", "caller_hangup"},
	} {
		if f.want != "" && str(r[f.field]) != f.want {
			t.Errorf("%s CDR: %s = %q, want %q", label, f.field, str(r[f.field]), f.want)
		}
	}
	if talk, err := seconds(r["talk_duration"]); err != nil {
		t.Errorf("%s CDR: talk_duration: %v", label, err)
	} else if talk < minTalkSeconds {
		t.Errorf("%s CDR: talk_duration = %v s, want at least %v s", label, talk, minTalkSeconds)
	}
}
