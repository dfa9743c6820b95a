package webrtc

import (
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// Many browser legs share the one ICE port, each relays to its own phone
// only, and closing everything leaves no goroutine behind.
func TestManyPeersOneICEPort(t *testing.T) {
	before := runtime.NumGoroutine()
	const n = 12
	func() {
		g, err := New(Config{ICEAddr: "127.0.0.1:0"})
		if err != nil {
			t.Fatal(err)
		}
		defer g.Close()
		port := iceAddr(t, g).Port()

		peers := make([]*Peer, n)
		browsers := make([]*browser, n)
		phones := make([]*phone, n)
		for i := range n {
			browsers[i] = newBrowser(t, chromeCodecs)
			phones[i] = newPhone(t)
			if i%2 == 0 {
				peers[i] = connectBrowserOffer(t, g, browsers[i], phones[i], "0")
				continue
			}
			p, offer, err := g.Offer(plainSDPText(phones[i].addr(), "0"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.AcceptAnswer(browsers[i].answer(offer)); err != nil {
				t.Fatal(err)
			}
			wait(t, p.Connected(), "gateway connected")
			peers[i] = p
		}
		for i, p := range peers {
			// Every leg's candidate names the one port.
			if sdp := p.pc.LocalDescription().SDP; !strings.Contains(sdp, " "+strconv.Itoa(int(port))+" typ host") {
				t.Fatalf("peer %d candidates are not on ice port %d:\n%s", i, port, sdp)
			}
			pl := payload(byte(i))
			expectBrowser(t, browsers[i], func() { phones[i].send(p.PlainAddr(), 0, pl) }, pl)
			mic := payload(byte(0x80 + i))
			expectPhone(t, phones[i], func() { browsers[i].track.send(t, 0, mic) }, mic)
		}
		// Nothing crossed over between calls.
		for i := range n {
			if st := peers[i].Stats(); st.Latched != phones[i].addr() {
				t.Errorf("peer %d latched %v, want its phone %v", i, st.Latched, phones[i].addr())
			}
		}
		if got := peerCount(g); got != n {
			t.Errorf("%d peers, want %d", got, n)
		}
		// Half close themselves, the gateway closes the rest.
		for i := 0; i < n; i += 2 {
			if err := peers[i].Close(); err != nil {
				t.Errorf("close peer %d: %v", i, err)
			}
		}
		if got := peerCount(g); got != n/2 {
			t.Errorf("%d peers after closing half, want %d", got, n/2)
		}
		for _, b := range browsers {
			b.close()
		}
	}()
	checkGoroutines(t, before)
}
