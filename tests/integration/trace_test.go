package integration

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/server"
	"github.com/hookswitch/hookswitch/switch/sip"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/web"
)

func withTrace(c *server.Config) { c.SIPTrace = sip.NewTracer(0, 0) }

// diagLive adds the registrations to apiLive, as cmd/hookswitch's live has.
type diagLive struct{ apiLive }

func (l diagLive) Bindings() []store.Binding { return l.s.Registrar.All() }

func diagAPI(t *testing.T, sw *testSwitch) string {
	api := httptest.NewServer((&web.API{B: sw.st, L: diagLive{apiLive{s: sw.srv, data: sw.cfg.DataDir}}, Diag: sw.srv.Stack}).Handler())
	t.Cleanup(api.Close)
	return api.URL
}

// traceLabel names a message of a trace: "in INVITE", "out 180 INVITE".
func traceLabel(m web.TraceMessage) string {
	f := strings.Fields(m.FirstLine)
	if len(f) > 1 && strings.HasPrefix(f[0], "SIP/") {
		return m.Dir + " " + f[1] + " " + m.Method
	}
	if len(f) == 0 {
		return m.Dir
	}
	return m.Dir + " " + f[0]
}

// inOrder reports the first of want that does not follow the previous
// ones among the messages of Call-ID id.
func inOrder(msgs []web.TraceMessage, id string, want []string) string {
	i := 0
	for _, m := range msgs {
		if i < len(want) && m.CallID == id && traceLabel(m) == want[i] {
			i++
		}
	}
	if i < len(want) {
		return want[i]
	}
	return ""
}

func TestTraceCallBothLegs(t *testing.T) {
	t.Parallel()
	sw, a, b := pair(t, withTrace)
	c, da, db := connect(t, sw, a, b)
	callerHangsUp(t, sw, c.CallID(), da, db)
	apiURL := diagAPI(t, sw)
	u := apiURL + "/api/v1/calls/" + url.PathEscape(c.CallID()) + "/trace"

	aLeg := []string{"in INVITE", "out 180 INVITE", "out 200 INVITE", "in ACK", "in BYE", "out 200 BYE"}
	bLeg := []string{"out INVITE", "in 180 INVITE", "in 200 INVITE", "out ACK", "out BYE", "in 200 BYE"}
	var tr web.CallTrace
	var missing string
	// The callee's 200 to the BYE may still be on its way: wait for it.
	for deadline := time.Now().Add(wait); ; time.Sleep(20 * time.Millisecond) {
		tr = web.CallTrace{}
		if code, body := apiDo(t, "GET", u, nil, &tr); code != 200 {
			t.Fatalf("GET trace: %d %s", code, body)
		}
		if len(tr.CallIDs) != 2 {
			t.Fatalf("trace links Call-IDs %v, want the caller's and the callee leg's", tr.CallIDs)
		}
		missing = inOrder(tr.Messages, tr.CallIDs[0], aLeg) + inOrder(tr.Messages, tr.CallIDs[1], bLeg)
		if missing == "" || time.Now().After(deadline) {
			break
		}
	}
	if missing != "" {
		var ls []string
		for _, m := range tr.Messages {
			ls = append(ls, m.CallID[:min(8, len(m.CallID))]+" "+traceLabel(m))
		}
		t.Fatalf("trace lacks %q in order; got:\n%s", missing, strings.Join(ls, "\n"))
	}
	if tr.CallIDs[0] != c.CallID() {
		t.Errorf("trace's first Call-ID %q, want the caller's %q", tr.CallIDs[0], c.CallID())
	}
	for _, m := range tr.Messages {
		if m.Transport != "udp" || !strings.Contains(m.Raw, "Call-ID") || m.Src == "" || m.Dst == "" {
			t.Fatalf("message %+v lacks its transport, addresses or bytes", m)
		}
		if m.Dir == "out" && m.Src != sw.sip.String() || m.Dir == "in" && m.Dst != sw.sip.String() {
			t.Fatalf("%s message %s -> %s does not touch the switch's %s", m.Dir, m.Src, m.Dst, sw.sip)
		}
	}
	// The callee leg's own Call-ID finds the same call.
	var viaLeg web.CallTrace
	if code, _ := apiDo(t, "GET", apiURL+"/api/v1/calls/"+url.PathEscape(tr.CallIDs[1])+"/trace", nil, &viaLeg); code != 200 || len(viaLeg.Messages) != len(tr.Messages) {
		t.Errorf("trace by the leg's Call-ID: %d, %d messages, want 200 and %d", code, len(viaLeg.Messages), len(tr.Messages))
	}

	// The pcap holds the same messages as UDP datagrams between the same addresses.
	res, err := http.Get(u + ".pcap")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); res.StatusCode != 200 || ct != "application/vnd.tcpdump.pcap" {
		t.Fatalf("pcap: %d %q", res.StatusCode, ct)
	}
	pkts := readPcap(t, res.Body)
	if len(pkts) != len(tr.Messages) {
		t.Fatalf("pcap has %d packets, trace %d messages", len(pkts), len(tr.Messages))
	}
	for i, p := range pkts {
		m := tr.Messages[i]
		if p.src != m.Src || p.dst != m.Dst || p.payload != m.Raw {
			t.Fatalf("packet %d: %s -> %s (%d bytes), want %s -> %s (%d bytes)", i, p.src, p.dst, len(p.payload), m.Src, m.Dst, len(m.Raw))
		}
	}

	if code, _ := apiDo(t, "GET", apiURL+"/api/v1/calls/no-such-call/trace", nil, nil); code != 404 {
		t.Errorf("unknown call: %d, want 404", code)
	}
	if code, _ := apiDo(t, "GET", apiURL+"/api/v1/calls/no-such-call/trace.pcap", nil, nil); code != 404 {
		t.Errorf("unknown call pcap: %d, want 404", code)
	}
}

type pcapPacket struct{ src, dst, payload string }

// readPcap parses a classic pcap file of LINKTYPE_RAW IPv4/UDP packets,
// checking the IP header checksum.
func readPcap(t *testing.T, r interface{ Read([]byte) (int, error) }) []pcapPacket {
	t.Helper()
	var buf []byte
	tmp := make([]byte, 32<<10)
	for {
		n, err := r.Read(tmp)
		buf = append(buf, tmp[:n]...)
		if err != nil {
			break
		}
	}
	if len(buf) < 24 || binary.LittleEndian.Uint32(buf) != 0xa1b2c3d4 || binary.LittleEndian.Uint32(buf[20:]) != 101 {
		t.Fatalf("pcap header % x: want magic a1b2c3d4 and LINKTYPE_RAW", buf[:min(24, len(buf))])
	}
	var out []pcapPacket
	for p := buf[24:]; len(p) > 0; {
		if len(p) < 16 {
			t.Fatalf("truncated record header")
		}
		incl := int(binary.LittleEndian.Uint32(p[8:]))
		pkt := p[16 : 16+incl]
		p = p[16+incl:]
		if pkt[0] != 0x45 || pkt[9] != 17 || int(binary.BigEndian.Uint16(pkt[2:])) != len(pkt) {
			t.Fatalf("not an IPv4/UDP packet of its length: % x", pkt[:20])
		}
		var sum uint32
		for i := 0; i < 20; i += 2 {
			sum += uint32(binary.BigEndian.Uint16(pkt[i:]))
		}
		for sum > 0xffff {
			sum = sum>>16 + sum&0xffff
		}
		if sum != 0xffff {
			t.Fatalf("bad IPv4 header checksum")
		}
		udp := pkt[20:]
		if int(binary.BigEndian.Uint16(udp[4:])) != len(udp) {
			t.Fatalf("UDP length %d, packet has %d", binary.BigEndian.Uint16(udp[4:]), len(udp))
		}
		out = append(out, pcapPacket{
			src:     fmt.Sprintf("%d.%d.%d.%d:%d", pkt[12], pkt[13], pkt[14], pkt[15], binary.BigEndian.Uint16(udp[0:])),
			dst:     fmt.Sprintf("%d.%d.%d.%d:%d", pkt[16], pkt[17], pkt[18], pkt[19], binary.BigEndian.Uint16(udp[2:])),
			payload: string(udp[8:]),
		})
	}
	return out
}

func TestDiagnosticsPing(t *testing.T) {
	t.Parallel()
	sw, a, _ := pair(t, withTrace)
	apiURL := diagAPI(t, sw)
	ping := func(target string) (int, web.PingReport) {
		var rep web.PingReport
		body, _ := json.Marshal(web.PingRequest{Target: target})
		code, _ := apiDo(t, "POST", apiURL+"/api/v1/diagnostics/ping", body, &rep)
		return code, rep
	}
	// A registered extension: the phone answers OPTIONS.
	code, rep := ping("1001")
	if code != 200 || rep.Kind != "extension" || len(rep.Results) != 1 || rep.Results[0].Status != 200 || rep.Results[0].RTTMillis <= 0 {
		t.Fatalf("ping 1001: %d %+v, want one contact answering 200 with an RTT", code, rep)
	}
	if rep.Results[0].Destination != a.addr.String() {
		t.Errorf("pinged %s, want the phone's source %s", rep.Results[0].Destination, a.addr)
	}
	// An explicit URI: the switch itself.
	if code, rep := ping("sip:" + sw.sip.String()); code != 200 || rep.Kind != "uri" || rep.Results[0].Status != 200 {
		t.Errorf("ping the switch: %d %+v, want 200", code, rep)
	}
	// Refused: not registered, not a trunk, not a URI; a bad URI.
	for _, bad := range []string{"1003", "nobody", "", "sip:", "sip:host;transport=sctp", "sip:h:99999"} {
		if code, _ := ping(bad); code != 400 {
			t.Errorf("ping %q: %d, want 400", bad, code)
		}
	}
}
