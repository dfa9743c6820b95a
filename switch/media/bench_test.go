package media

import (
	"errors"
	"net/netip"
	"os"
	"strconv"
	"testing"
	"time"
)

// BenchmarkRelay measures packets/s through one session on loopback: an
// endpoint sends 172-byte RTP (20 ms of G.711) to leg A in windows of 32
// and the endpoint behind leg B reads them. Lost packets (a full socket
// buffer) end a window by timeout and are reported as lost/op.
func BenchmarkRelay(b *testing.B) {
	s, epA, epB := call(b)
	to := legAddr(s.A())
	// Latch first so the one allocation it costs is not measured.
	epA.send(to, rtpPacket(0, 1, 160))
	epB.recv()
	pump(b, []*endpoint{epA}, []netip.AddrPort{to}, epB, 32)
}

// BenchmarkDirect is the reference for BenchmarkRelay: the same endpoints
// and windows with no relay between them, i.e. the kernel's loopback cost.
// docs/PERFORMANCE.md reports Relay as a ratio to it.
func BenchmarkDirect(b *testing.B) {
	_, epA, epB := call(b)
	pump(b, []*endpoint{epA}, []netip.AddrPort{epB.addr()}, epB, 32)
}

// pump sends b.N RTP packets, packet i from senders[i%len] to to[i%len],
// in windows, and reads them all at sink. cpu-ns/op is the CPU time of the
// whole process (senders, relay, sink) per packet.
func pump(b *testing.B, senders []*endpoint, to []netip.AddrPort, sink *endpoint, window int) {
	pkt := rtpPacket(0, 1, 160)
	buf := make([]byte, 2048)

	b.ReportAllocs()
	b.SetBytes(int64(len(pkt)))
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	received, lost, next := 0, 0, 0
	for sent := 0; sent < b.N; {
		n := min(window, b.N-sent)
		for range n {
			if _, err := senders[next].conn.WriteToUDPAddrPort(pkt, to[next]); err != nil {
				b.Fatal(err)
			}
			if next++; next == len(senders) {
				next = 0
			}
		}
		sent += n
		sink.conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		for got := 0; got < n; got++ {
			if _, _, err := sink.conn.ReadFromUDPAddrPort(buf); err != nil {
				if errors.Is(err, os.ErrDeadlineExceeded) {
					lost += n - got
					break
				}
				b.Fatal(err)
			}
			received++
		}
	}
	elapsed, cpu := time.Since(start), cpuTime()-cpu0
	b.StopTimer()
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(received)/elapsed.Seconds(), "pkts/s")
	b.ReportMetric(float64(lost)/float64(b.N), "lost/op")
}

// manyWindow is how many packets BenchmarkRelayMany has in flight: each
// goes to a different session, so many sockets are ready at once, as when
// many calls share the relay. The sink's 4 MiB buffer holds a window.
const manyWindow = 128

// BenchmarkRelayMany measures the relay under many concurrent sessions:
// each session's leg A is fed by its own sender socket, round-robin, and
// every leg B sends to one sink socket. Compare with BenchmarkDirectMany.
func BenchmarkRelayMany(b *testing.B) {
	for _, n := range []int{200, 1000} {
		b.Run("sessions="+strconv.Itoa(n), func(b *testing.B) {
			e := newTestEngine(b, Config{})
			sink := newSink(b)
			senders := make([]*endpoint, n)
			to := make([]netip.AddrPort, n)
			for i := range n {
				s := newTestSession(b, e, nil)
				s.B().SetRemote(sink.addr())
				s.Start()
				senders[i], to[i] = newEndpoint(b), legAddr(s.A())
				// Latch now so the one allocation it costs is not measured.
				senders[i].send(to[i], rtpPacket(0, 1, 160))
				sink.recv()
			}
			pump(b, senders, to, sink, manyWindow)
		})
	}
}

// BenchmarkDirectMany is the reference for BenchmarkRelayMany: the same
// senders and windows sending straight to the sink.
func BenchmarkDirectMany(b *testing.B) {
	for _, n := range []int{200, 1000} {
		b.Run("sessions="+strconv.Itoa(n), func(b *testing.B) {
			sink := newSink(b)
			senders := make([]*endpoint, n)
			to := make([]netip.AddrPort, n)
			for i := range n {
				senders[i], to[i] = newEndpoint(b), sink.addr()
			}
			pump(b, senders, to, sink, manyWindow)
		})
	}
}

// BenchmarkNewSession measures what a call pays for its media: binding
// two port pairs, starting the relay and closing it again.
func BenchmarkNewSession(b *testing.B) {
	run := func(b *testing.B, cfg Config) {
		e := newTestEngine(b, cfg)
		b.ReportAllocs()
		for b.Loop() {
			s, err := e.NewSession(nil)
			if err != nil {
				b.Fatal(err)
			}
			s.Start()
			s.Close()
		}
	}
	b.Run("os-ports", func(b *testing.B) { run(b, Config{}) })
	b.Run("range", func(b *testing.B) {
		base := freePortRange(b, 64)
		run(b, Config{PortMin: base, PortMax: base + 63})
	})
}

func newSink(b *testing.B) *endpoint {
	sink := newEndpoint(b)
	if err := sink.conn.SetReadBuffer(4 << 20); err != nil {
		b.Fatal(err)
	}
	return sink
}
