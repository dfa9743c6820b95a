package jitter

import (
	"math/rand/v2"
	"slices"
	"time"
)

// A deterministic network simulation: no wall clock, no goroutines. Packets
// carry a byte pattern (sample k of the stream holds byte(k+base)) so a test
// can check what played and in which order.

var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

type simClock struct{ t time.Duration }

func (c *simClock) Now() time.Time { return epoch.Add(c.t) }

type packet struct {
	at     time.Duration // arrival
	ssrc   uint32
	seq    uint16
	ts     uint32
	marker bool
	data   []byte
}

// stream describes what a sender emits.
type stream struct {
	ssrc  uint32
	seq   uint16 // first sequence number
	ts    uint32 // first timestamp
	base  byte   // pattern base
	ptime int    // samples per packet
	start time.Duration
	dur   time.Duration
}

// network turns sent packets into arrivals.
type network struct {
	rng    *rand.Rand
	delay  time.Duration                  // fixed part
	jitter func(*rand.Rand) time.Duration // extra random part
	loss   float64
	dup    float64
}

func newNetwork(seed uint64, delay time.Duration) *network {
	return &network{rng: rand.New(rand.NewPCG(seed, 42)), delay: delay}
}

func uniform(max time.Duration) func(*rand.Rand) time.Duration {
	return func(r *rand.Rand) time.Duration { return time.Duration(r.Int64N(int64(max) + 1)) }
}

// send returns the arrivals of s over n, in arrival order.
func (n *network) send(s stream) []packet {
	var out []packet
	count := int(s.dur / (time.Duration(s.ptime) * time.Second / ClockRate))
	for k := range count {
		sent := s.start + time.Duration((k+1)*s.ptime)*time.Second/ClockRate // after its last sample
		data := make([]byte, s.ptime)
		for i := range data {
			data[i] = byte(k*s.ptime+i) + s.base
		}
		p := packet{ssrc: s.ssrc, seq: s.seq + uint16(k), ts: s.ts + uint32(k*s.ptime), marker: k == 0, data: data}
		if n.loss > 0 && n.rng.Float64() < n.loss {
			continue
		}
		p.at = sent + n.delay
		if n.jitter != nil {
			p.at += n.jitter(n.rng)
		}
		out = append(out, p)
		if n.dup > 0 && n.rng.Float64() < n.dup {
			d := p
			d.at += time.Duration(n.rng.Int64N(int64(40 * time.Millisecond)))
			out = append(out, d)
		}
	}
	sortArrivals(out)
	return out
}

func sortArrivals(p []packet) {
	slices.SortStableFunc(p, func(a, b packet) int {
		switch {
		case a.at < b.at:
			return -1
		case a.at > b.at:
			return 1
		}
		return 0
	})
}

type popped struct {
	at     time.Duration
	status Status
	data   []byte
}

// run pushes the packets and pops a frame every 20 ms from popPhase until
// end, in time order (a push at the same instant as a pop goes first).
func run(b *Buffer, clk *simClock, pkts []packet, popPhase, end time.Duration) []popped {
	var out []popped
	i := 0
	for at := popPhase; at < end; at += 20 * time.Millisecond {
		for ; i < len(pkts) && pkts[i].at <= at; i++ {
			clk.t = pkts[i].at
			p := pkts[i]
			b.Push(p.ssrc, p.seq, p.ts, p.marker, p.data)
		}
		clk.t = at
		dst := make([]byte, 160)
		st := b.Pop(dst)
		out = append(out, popped{at: at, status: st, data: dst})
	}
	return out
}

func newSim(cfg Config) (*Buffer, *simClock) {
	clk := &simClock{}
	cfg.Now = clk.Now
	return New(cfg), clk
}

func count(out []popped, s Status) int {
	n := 0
	for _, o := range out {
		if o.status == s {
			n++
		}
	}
	return n
}

// inOrder reports the first place where the bytes of the Full frames are not
// one contiguous run of the pattern, or -1.
func inOrder(out []popped) int {
	var prev byte
	first := true
	for i, o := range out {
		if o.status != Full {
			continue
		}
		for _, c := range o.data {
			if !first && c != prev+1 {
				return i
			}
			prev, first = c, false
		}
	}
	return -1
}
