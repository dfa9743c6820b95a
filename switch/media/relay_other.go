//go:build !linux || 386

package media

import (
	"errors"
	"net"
	"sync"
)

// The portable relay: one blocking reader goroutine and buffer per socket,
// woken by Go's netpoller. It serves where the epoll workers are not built:
// systems other than Linux, and linux/386, whose package syscall has no
// SYS_SENDTO (sockets go through socketcall there).

// relayEngine has nothing to run: readers belong to their sessions.
type relayEngine struct{}

func newRelayEngine(workers int) (relayEngine, error) { return relayEngine{}, nil }

func (relayEngine) close() {}

// sessionRelay is a session's share of the relay: its readers.
type sessionRelay struct {
	readers sync.WaitGroup
}

// startRelay starts the four readers; called once, under s.mu.
func (s *Session) startRelay() {
	paths := s.paths()
	s.relay.readers.Add(len(paths))
	for _, p := range paths {
		go p.read(&s.relay.readers)
	}
}

// stopRelay closes the sockets, which unblocks the readers, and waits for
// them so no packet is relayed and no counter moves after Close returns.
func (s *Session) stopRelay() {
	s.a.pair.close()
	s.b.pair.close()
	s.relay.readers.Wait()
}

// read relays the path's packets until its socket is closed.
func (p path) read(wg *sync.WaitGroup) {
	defer wg.Done()
	in, out := p.sockets()
	buf := make([]byte, readBufSize)
	for {
		n, src, err := in.c.ReadFromUDPAddrPort(buf)
		if err != nil {
			// Only a closed socket ends the reader; anything else (a
			// transient ICMP-driven error) is skipped.
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		to := p.route(buf[:n], src)
		if !to.IsValid() {
			continue
		}
		if _, err := out.c.WriteToUDPAddrPort(buf[:n], to); err == nil {
			p.sent(n)
		}
	}
}
