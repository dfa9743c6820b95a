package media

import (
	"errors"
	"net"
	"net/netip"
	"os"
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
	pump(b, epA, epB, to)
}

// BenchmarkDirect is the reference for BenchmarkRelay: the same endpoints
// and windows with no relay between them, i.e. the kernel's loopback cost.
// docs/PERFORMANCE.md reports Relay as a ratio to it.
func BenchmarkDirect(b *testing.B) {
	_, epA, epB := call(b)
	pump(b, epA, epB, epB.conn.LocalAddr().(*net.UDPAddr).AddrPort())
}

// pump sends b.N RTP packets from epA to `to` and reads them at epB.
func pump(b *testing.B, epA, epB *endpoint, to netip.AddrPort) {
	pkt := rtpPacket(0, 1, 160)
	buf := make([]byte, 2048)
	const window = 32

	b.ReportAllocs()
	b.SetBytes(int64(len(pkt)))
	b.ResetTimer()
	start := time.Now()
	received, lost := 0, 0
	for sent := 0; sent < b.N; {
		n := min(window, b.N-sent)
		for range n {
			if _, err := epA.conn.WriteToUDPAddrPort(pkt, to); err != nil {
				b.Fatal(err)
			}
		}
		sent += n
		epB.conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		for got := 0; got < n; got++ {
			if _, _, err := epB.conn.ReadFromUDPAddrPort(buf); err != nil {
				if errors.Is(err, os.ErrDeadlineExceeded) {
					lost += n - got
					break
				}
				b.Fatal(err)
			}
			received++
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(received)/elapsed.Seconds(), "pkts/s")
	b.ReportMetric(float64(lost)/float64(b.N), "lost/op")
}
