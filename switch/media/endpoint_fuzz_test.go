package media

import (
	"testing"
)

// FuzzEndpointRTP feeds whatever a peer may send (after the relay's own
// RTP check) to a terminated leg and runs its clock: nothing may panic,
// whatever the header extension, padding, payload type or event payload.
func FuzzEndpointRTP(f *testing.F) {
	f.Add([]byte{0x80, 0, 0, 1, 0, 0, 0, 160, 0, 0, 0, 1, 0xff, 0xff})
	f.Add([]byte{0x80, 101, 0, 2, 0, 0, 1, 0, 0, 0, 0, 1, 5, 0x8a, 0, 160})
	f.Add([]byte{0xb0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0xbe, 0xde, 0xff, 0xff, 1})
	f.Add([]byte{0xa0, 8, 0, 4, 0, 0, 0, 1, 0, 0, 0, 1, 0xd5, 200})
	e := newTestEngine(f, Config{})
	s := newTestSession(f, e, nil)
	ep, err := e.Terminate(s.A(), EndpointOptions{Codec: pcmu, DTMFPT: 101})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(ep.Close)
	f.Fuzz(func(t *testing.T, pkt []byte) {
		if !validRTP(pkt) || len(pkt) >= readBufSize {
			return
		}
		ep.RTP(pkt)
		ep.tick()
	})
}
