package phone

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/tests/pionpeer"
)

// far is the far end of a call's media, played by a pion peer connection
// where the switch's gateway would be: it answers the page's offer (or
// offers to it), receives its RTP and sends G.711 back, all on loopback.
// So the tests check that the page's SDP makes a working call, not only
// that it looks right.
type far struct {
	p    *pionpeer.Peer
	stop chan struct{}
	wg   sync.WaitGroup
}

func newFar(t *testing.T) *far {
	t.Helper()
	// telephone-event as the gateway offers it, and the interceptors a
	// gateway runs (NACK, RTCP reports).
	p := pionpeer.New(t, pionpeer.Options{EventPT: 101, EventFmtp: "0-16", Interceptors: true})
	f := &far{p: p, stop: make(chan struct{})}
	f.wg.Add(1)
	go f.send()
	t.Cleanup(func() {
		close(f.stop)
		f.wg.Wait()
	})
	return f
}

// send plays 20 ms of G.711 silence every 20 ms from when ICE and DTLS are
// up until the test ends, so the page has RTP to receive.
func (f *far) send() {
	defer f.wg.Done()
	select {
	case <-f.stop:
		return
	case <-f.p.Up():
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	silence := make([]byte, 160)
	for i := range silence {
		silence[i] = 0xff
	}
	for {
		select {
		case <-f.stop:
			return
		case <-tick.C:
			// Unbound only until pion starts its senders; after that an
			// error means the connection closed.
			if err := f.p.Track.Send(silence); err != nil && !errors.Is(err, pionpeer.ErrUnbound) {
				return
			}
		}
	}
}

// answer answers the page's offer; the SDP is sent whole, after gathering,
// as the protocol has no trickle ICE.
func (f *far) answer(t *testing.T, offer string) string {
	t.Helper()
	return f.p.Answer(t, offer)
}

// offer makes an offer for an incoming call to the page.
func (f *far) offer(t *testing.T) string {
	t.Helper()
	return f.p.Offer(t)
}

func (f *far) accept(t *testing.T, answer string) {
	t.Helper()
	f.p.SetAnswer(t, answer)
}

// waitRTP waits for the page's first RTP packet.
func (f *far) waitRTP(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	select {
	case <-f.p.FirstRTP():
	case <-ctx.Done():
		t.Fatalf("no RTP from the page (pion connection %s)", f.p.PC.ConnectionState())
	}
}
