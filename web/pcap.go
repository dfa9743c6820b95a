package web

import (
	"encoding/binary"
	"io"

	"github.com/hookswitch/hookswitch/switch/sip"
)

// A pcap file (the classic libpcap format, microseconds) with
// LINKTYPE_RAW: each record is an IPv4 or IPv6 packet, no link header.
// Every SIP message becomes one UDP datagram between its real addresses,
// whatever transport carried it, so Wireshark decodes it as SIP (stream
// transports lose their segmentation; the trace JSON names the transport).
const (
	pcapMagic   = 0xa1b2c3d4
	linkTypeRaw = 101
	pcapSnapLen = 262144
)

// writePcap writes msgs as a pcap file.
func writePcap(w io.Writer, msgs []sip.TraceMessage) error {
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr[0:], pcapMagic)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], pcapSnapLen)
	binary.LittleEndian.PutUint32(hdr[20:], linkTypeRaw)
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	for _, m := range msgs {
		pkt := udpPacket(m)
		rec := make([]byte, 16, 16+len(pkt))
		binary.LittleEndian.PutUint32(rec[0:], uint32(m.Time.Unix()))
		binary.LittleEndian.PutUint32(rec[4:], uint32(m.Time.Nanosecond()/1000))
		binary.LittleEndian.PutUint32(rec[8:], uint32(len(pkt)))
		binary.LittleEndian.PutUint32(rec[12:], uint32(len(pkt)))
		if _, err := w.Write(append(rec, pkt...)); err != nil {
			return err
		}
	}
	return nil
}

// udpPacket synthesises the IP and UDP headers of one message. A message
// between an IPv4 and an IPv6 address (never on one socket) or longer
// than a UDP datagram is cut to fit.
func udpPacket(m sip.TraceMessage) []byte {
	src, dst := m.Src(), m.Dst()
	payload := m.Raw
	if len(payload) > 65000 {
		payload = payload[:65000]
	}
	udp := make([]byte, 8+len(payload))
	binary.BigEndian.PutUint16(udp[0:], src.Port())
	binary.BigEndian.PutUint16(udp[2:], dst.Port())
	binary.BigEndian.PutUint16(udp[4:], uint16(len(udp)))
	copy(udp[8:], payload)
	s, d := src.Addr(), dst.Addr()
	if s.Is4() && d.Is4() || !s.IsValid() || !d.IsValid() {
		s4, d4 := s.As4(), d.As4()
		if !s.Is4() {
			s4 = [4]byte{}
		}
		if !d.Is4() {
			d4 = [4]byte{}
		}
		ip := make([]byte, 20, 20+len(udp))
		ip[0] = 0x45
		binary.BigEndian.PutUint16(ip[2:], uint16(20+len(udp)))
		ip[8] = 64 // TTL
		ip[9] = 17 // UDP
		copy(ip[12:], s4[:])
		copy(ip[16:], d4[:])
		binary.BigEndian.PutUint16(ip[10:], checksum(ip, 0))
		binary.BigEndian.PutUint16(udp[6:], udpChecksum(s4[:], d4[:], udp))
		return append(ip, udp...)
	}
	s16, d16 := s.As16(), d.As16()
	ip := make([]byte, 40, 40+len(udp))
	ip[0] = 0x60
	binary.BigEndian.PutUint16(ip[4:], uint16(len(udp)))
	ip[6] = 17 // next header: UDP
	ip[7] = 64 // hop limit
	copy(ip[8:], s16[:])
	copy(ip[24:], d16[:])
	binary.BigEndian.PutUint16(udp[6:], udpChecksum(s16[:], d16[:], udp))
	return append(ip, udp...)
}

// udpChecksum is the UDP checksum over the pseudo-header (RFC 768, 8200).
func udpChecksum(src, dst, udp []byte) uint16 {
	var sum uint32
	for _, a := range [][]byte{src, dst} {
		for i := 0; i+1 < len(a); i += 2 {
			sum += uint32(binary.BigEndian.Uint16(a[i:]))
		}
	}
	sum += 17 + uint32(len(udp))
	c := checksum(udp, sum)
	if c == 0 {
		c = 0xffff
	}
	return c
}

// checksum is the Internet checksum of b, starting from sum.
func checksum(b []byte, sum uint32) uint16 {
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}
