package load

import (
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
)

// G.711 at 20 ms: 160 samples per packet, 50 packets a second (RFC 3551 4.5.14).
const (
	ptime        = 20 * time.Millisecond
	samples      = 160
	payloadPCMU  = 0
	rtpHeaderLen = 12
	// probeLen is our marker inside the audio payload: magic, send time
	// (Unix ns) and packet index, so the receiver measures one-way delay
	// and loss without trusting RTP fields a relay may rewrite.
	probeLen = 16
)

var probeMagic = [4]byte{'H', 'S', 'L', 'D'}

// RTPStats aggregates the streams of one role.
type RTPStats struct {
	Streams  atomic.Uint64
	Sent     atomic.Uint64
	Received atomic.Uint64
	Expected atomic.Uint64 // per stream: highest index received + 1
	Reorder  atomic.Uint64
	Foreign  atomic.Uint64 // packets without our probe (not counted)
	Silent   atomic.Uint64 // streams that received nothing at all
	Kernel   atomic.Uint64 // packets timed by the kernel on arrival (SO_TIMESTAMPNS)
	IPDV     Hist          // |delay(i) - delay(i-1)| of consecutive packets (RFC 5481 IPDV)
	Delay    Hist          // one-way delay, sender clock = receiver clock here
}

// stream is one call's RTP: its own socket (so a relay latches one source
// per call), a reader goroutine, and a slot in the shared pacer.
type stream struct {
	conn   *net.UDPConn
	port   uint16
	stats  *RTPStats
	remote netip.AddrPort // set before the stream joins the pacer

	// sender state, owned by the pacer
	pkt     [rtpHeaderLen + samples]byte
	hdr     rtp.Header
	index   uint32
	slot    int
	slotPos int

	done chan struct{} // closed when the reader has exited
}

// newStream binds a socket on ip:0 and starts receiving.
func newStream(ip string, stats *RTPStats) (*stream, error) {
	c, err := listenUDP(ip + ":0")
	if err != nil {
		return nil, err
	}
	s := &stream{conn: c, stats: stats, done: make(chan struct{}), slot: -1}
	s.port = c.LocalAddr().(*net.UDPAddr).AddrPort().Port()
	s.hdr = rtp.Header{Version: 2, PayloadType: payloadPCMU, SSRC: rand.Uint32(),
		SequenceNumber: uint16(rand.Uint32()), Timestamp: rand.Uint32()}
	for i := rtpHeaderLen + probeLen; i < len(s.pkt); i++ {
		s.pkt[i] = 0xff // PCMU silence
	}
	copy(s.pkt[rtpHeaderLen:], probeMagic[:])
	stats.Streams.Add(1)
	go s.read()
	return s, nil
}

// read measures what arrives until the socket closes; it is the only
// goroutine touching the receive state.
func (s *stream) read() {
	defer close(s.done)
	buf := make([]byte, 1500+oobLen)
	buf, oob := buf[:1500], buf[1500:]
	kernel := enableRxTimestamps(s.conn)
	var (
		received, maxIdx uint32
		have             bool
		prevIdx          uint32
		prevDelay        int64
		kstamps          uint64
	)
	defer func() {
		st := s.stats
		st.Kernel.Add(kstamps)
		if !have {
			st.Silent.Add(1)
			return
		}
		st.Received.Add(uint64(received))
		exp := uint64(maxIdx) + 1
		if exp < uint64(received) {
			exp = uint64(received) // duplicates
		}
		st.Expected.Add(exp)
	}()
	var h rtp.Header
	for {
		n, oobn, _, _, err := s.conn.ReadMsgUDPAddrPort(buf, oob)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		now, ok := int64(0), false
		if kernel {
			now, ok = rxTime(oob[:oobn])
		}
		if ok {
			kstamps++
		} else {
			now = time.Now().UnixNano()
		}
		hl, err := h.Unmarshal(buf[:n])
		if err != nil || n-hl < probeLen || [4]byte(buf[hl:hl+4]) != probeMagic {
			s.stats.Foreign.Add(1)
			continue
		}
		sent := int64(binary.BigEndian.Uint64(buf[hl+4:]))
		idx := binary.BigEndian.Uint32(buf[hl+12:])
		delay := now - sent
		s.stats.Delay.Record(time.Duration(delay))
		received++
		switch {
		case !have:
			have, maxIdx = true, idx
		case idx > maxIdx:
			maxIdx = idx
		default:
			s.stats.Reorder.Add(1)
		}
		if have && received > 1 && idx == prevIdx+1 {
			d := delay - prevDelay
			if d < 0 {
				d = -d
			}
			s.stats.IPDV.Record(time.Duration(d))
		}
		prevIdx, prevDelay = idx, delay
	}
}

// send writes the next packet; only the pacer calls it.
func (s *stream) send() {
	s.hdr.SequenceNumber++
	s.hdr.Timestamp += samples
	if _, err := s.hdr.MarshalTo(s.pkt[:rtpHeaderLen]); err != nil {
		return
	}
	binary.BigEndian.PutUint32(s.pkt[rtpHeaderLen+12:], s.index)
	binary.BigEndian.PutUint64(s.pkt[rtpHeaderLen+4:], uint64(time.Now().UnixNano()))
	s.index++
	if _, err := s.conn.WriteToUDPAddrPort(s.pkt[:], s.remote); err == nil {
		s.stats.Sent.Add(1)
	}
}

// close stops receiving and waits for the reader to fold its figures in.
func (s *stream) close() {
	s.conn.Close()
	<-s.done
}

// pacer sends every running stream's packet once per ptime, spread over
// 20 one-millisecond slots so a thousand streams do not leave in one burst.
type pacer struct {
	mu    sync.Mutex
	slots [20][]*stream
	stop  chan struct{}
	wg    sync.WaitGroup
}

func newPacer() *pacer {
	p := &pacer{stop: make(chan struct{})}
	p.wg.Add(1)
	go p.run()
	return p
}

func (p *pacer) run() {
	defer p.wg.Done()
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	start := time.Now()
	next := int64(0) // next millisecond slot to serve
	for {
		select {
		case <-p.stop:
			return
		case now := <-t.C:
			due := int64(now.Sub(start) / time.Millisecond)
			if due-next > 20 {
				next = due - 20 // more than a period late: skip, do not burst
			}
			p.mu.Lock()
			for ; next <= due; next++ {
				for _, s := range p.slots[next%20] {
					s.send()
				}
			}
			p.mu.Unlock()
		}
	}
}

// add starts sending s to remote, in the least loaded slot.
func (p *pacer) add(s *stream, remote netip.AddrPort) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s.slot != -1 {
		return // running, or already removed
	}
	s.remote = remote
	best := 0
	for i := range p.slots {
		if len(p.slots[i]) < len(p.slots[best]) {
			best = i
		}
	}
	s.slot, s.slotPos = best, len(p.slots[best])
	p.slots[best] = append(p.slots[best], s)
}

// remove stops sending s.
func (p *pacer) remove(s *stream) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s.slot < 0 {
		s.slot = -2
		return
	}
	sl := p.slots[s.slot]
	last := sl[len(sl)-1]
	sl[s.slotPos] = last
	last.slotPos = s.slotPos
	p.slots[s.slot] = sl[:len(sl)-1]
	s.slot = -2 // never again
}

func (p *pacer) close() {
	close(p.stop)
	p.wg.Wait()
}
