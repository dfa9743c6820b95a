package load

import (
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestParseResponse(t *testing.T) {
	raw := "SIP/2.0 407 Proxy Authentication Required\r\n" +
		"Via: SIP/2.0/UDP 127.0.0.1:5000;branch=z9hG4bKa;rport=5000\r\n" +
		"v: SIP/2.0/UDP 127.0.0.1:6000;branch=z9hG4bKb\r\n" +
		"From: <sip:1000@h>;tag=abc\r\nt: <sip:2000@h>;tag=xyz\r\ni: cid-1\r\nCSeq: 7 INVITE\r\n" +
		"Proxy-Authenticate: Digest realm=\"hookswitch\", nonce=\"n1\", algorithm=SHA-256, qop=\"auth\"\r\n" +
		"Proxy-Authenticate: Digest realm=\"hookswitch\", nonce=\"n2\", algorithm=MD5, qop=\"auth\"\r\n" +
		"Record-Route: <sip:p1;lr>\r\nRecord-Route: <sip:p2;lr>\r\n" +
		"m: <sip:2000@127.0.0.1:7000;transport=udp>;expires=60\r\nl: 4\r\n\r\nbodyEXTRA"
	var m msg
	if err := m.parse([]byte(raw)); err != nil {
		t.Fatal(err)
	}
	checks := map[string][2]string{
		"method": {string(m.method), "INVITE"}, "call-id": {string(m.callID), "cid-1"},
		"from tag": {string(m.fromTag), "abc"}, "to tag": {string(m.toTag), "xyz"},
		"contact": {string(m.contact), "sip:2000@127.0.0.1:7000;transport=udp"}, "body": {string(m.body), "body"},
		"challenge": {string(m.challenge), `Digest realm="hookswitch", nonce="n2", algorithm=MD5, qop="auth"`},
	}
	for k, v := range checks {
		if v[0] != v[1] {
			t.Errorf("%s = %q, want %q", k, v[0], v[1])
		}
	}
	if !m.response || m.status != 407 || m.cseq != 7 || m.nvia != 2 || m.nrr != 2 {
		t.Errorf("parsed %+v", m)
	}
}

func TestParseRejects(t *testing.T) {
	for _, raw := range []string{
		"", "garbage", "SIP/2.0 4x7 Bad\r\n\r\n",
		"INVITE sip:a SIP/2.0\r\nCall-ID: x\r\n\r\n",
		"SIP/2.0 200 OK\r\nVia: v\r\nFrom: f\r\nTo: t\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 99\r\n\r\nshort",
		"SIP/2.0 200 OK\r\nVia: v\r\nFrom: f\r\nTo: t\r\nCall-ID: c\r\nCSeq: x INVITE\r\n\r\n",
	} {
		var m msg
		if err := m.parse([]byte(raw)); err == nil {
			t.Errorf("%q parsed", raw)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("SIP/2.0 200 OK\r\nVia: v\r\nFrom: <a>;tag=1\r\nTo: t\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nm: <sip:x>\r\n\r\nv=0"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m msg
		if m.parse(b) == nil {
			sdpAudio(m.body)
			tagParam(m.from)
			uriUser(m.ruri)
			if m.challenge != nil {
				parseChallenge(m.challenge)
			}
		}
	})
}

// TestDigestRFC2617 checks the response against RFC 2617 3.5's example.
func TestDigestRFC2617(t *testing.T) {
	c, err := parseChallenge([]byte(`Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"`))
	if err != nil {
		t.Fatal(err)
	}
	h := string(c.authorize(nil, "Authorization", "Mufasa", "Circle Of Life", "GET", "/dir/index.html", "0a4f113b"))
	for _, want := range []string{`response="6629fae49393a05397450978507c4ef1"`, "nc=00000001", `opaque="5ccc069c403ebaf9f0171e9517f40e41"`} {
		if !strings.Contains(h, want) {
			t.Errorf("%s lacks %s", h, want)
		}
	}
	if h2 := string(c.authorize(nil, "Authorization", "Mufasa", "Circle Of Life", "GET", "/dir/index.html", "0a4f113b")); !strings.Contains(h2, "nc=00000002") {
		t.Errorf("nonce count did not increase: %s", h2)
	}
	if _, err := parseChallenge([]byte(`Digest realm="r", nonce="n", algorithm=SHA-256`)); err == nil {
		t.Error("SHA-256 challenge accepted by an MD5-only client")
	}
}

func TestHistQuantiles(t *testing.T) {
	var h Hist
	for i := 1; i <= 1000; i++ {
		h.Record(time.Duration(i) * time.Millisecond)
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Millisecond}, {0.99, 990 * time.Millisecond}, {1, time.Second}} {
		got := h.Quantile(c.q)
		if got < c.want || float64(got) > float64(c.want)*1.04 {
			t.Errorf("q%.2f = %v, want %v (+4%%)", c.q, got, c.want)
		}
	}
	for i := range histBuckets - 1 {
		if histIndex(histUpper(i)) != i || histIndex(histUpper(i)+1) != i+1 {
			t.Fatalf("bucket %d edges wrong", i)
		}
	}
}

func TestParseUsers(t *testing.T) {
	u, err := ParseUsers("0998-1001,2000")
	if err != nil || strings.Join(u, " ") != "0998 0999 1000 1001 2000" {
		t.Errorf("got %v, %v", u, err)
	}
	for _, bad := range []string{"", "a-b", "5-1", "1-9999999"} {
		if _, err := ParseUsers(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if Password("pw-%s", "1000") != "pw-1000" || Password("shared", "1000") != "shared" {
		t.Error("password format")
	}
}

func TestSDPAudio(t *testing.T) {
	body := "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\nc=IN IP4 127.0.0.1\r\nm=video 5000 RTP/AVP 96\r\n"
	a, err := sdpAudio([]byte(body))
	if err != nil || a != netip.MustParseAddrPort("127.0.0.1:4000") {
		t.Errorf("got %v, %v", a, err)
	}
	if _, err := sdpAudio([]byte("v=0\r\nm=video 5000 RTP/AVP 96\r\n")); err == nil {
		t.Error("no audio accepted")
	}
}

// TestDirect runs the uas and calls roles against each other on loopback.
func TestDirect(t *testing.T) {
	ctx := t.Context()
	u, err := StartUAS(ctx, UASConfig{Listen: "127.0.0.1:0", RTP: true})
	if err != nil {
		t.Fatal(err)
	}
	r, err := RunCalls(ctx, CallsConfig{Target: u.Addr().String(), To: []string{"2000"}, Rate: 20,
		Duration: time.Second, Hold: 500 * time.Millisecond, RTP: true})
	if err != nil {
		t.Fatal(err)
	}
	ur := u.Stop()
	if r.Attempted == 0 || r.OK != r.Attempted || r.RTP.Received == 0 || r.RTP.Silent != 0 {
		t.Fatalf("calls: %+v rtp %+v", r, r.RTP)
	}
	if ur.UAS.Byes != r.OK || ur.RTP.Received == 0 {
		t.Fatalf("uas: %+v rtp %+v", ur.UAS, ur.RTP)
	}
}
