package load

import (
	"net/netip"
	"strconv"
)

// respond answers a request m received from "from" (RFC 3261 8.2.6): the
// Via, From, Call-ID and CSeq values copied, To given toTag when it has
// none, then extra header lines and an optional SDP body.
func respond(ep *endpoint, m *msg, from netip.AddrPort, code int, reason, toTag string, extra []byte, sdp []byte) {
	bp := getBuf()
	b := buildResponse(*bp, m, code, reason, toTag, extra, sdp)
	ep.send(b, from)
	*bp = b
	putBuf(bp)
}

// buildResponse appends a response to m to b.
func buildResponse(b []byte, m *msg, code int, reason, toTag string, extra []byte, sdp []byte) []byte {
	b = append(b, "SIP/2.0 "...)
	b = strconv.AppendInt(b, int64(code), 10)
	b = append(b, ' ')
	b = append(b, reason...)
	b = append(b, "\r\n"...)
	b = appendResponseHeaders(b, m, toTag)
	if code > 100 && code < 300 { // the dialog's route set (RFC 3261 12.1.1)
		for i := 0; i < m.nrr; i++ {
			b = hdr(b, "Record-Route", m.rroutes[i])
		}
	}
	b = append(b, extra...)
	return endHeaders(b, "application/sdp", sdp)
}

// appendResponseHeaders copies the headers a response echoes.
func appendResponseHeaders(b []byte, m *msg, toTag string) []byte {
	for i := 0; i < m.nvia; i++ {
		b = hdr(b, "Via", m.vias[i])
	}
	b = hdr(b, "From", m.from)
	if len(m.toTag) == 0 && toTag != "" {
		b = hdr(b, "To", m.to, []byte(";tag="), []byte(toTag))
	} else {
		b = hdr(b, "To", m.to)
	}
	b = hdr(b, "Call-ID", m.callID)
	b = append(b, "CSeq: "...)
	b = strconv.AppendUint(b, uint64(m.cseq), 10)
	b = append(b, ' ')
	b = append(b, m.cseqMethod...)
	b = append(b, "\r\n"...)
	return hdrs(b, "Server", userAgent)
}

// ackFor builds the ACK of a non-2xx final response to an INVITE
// (RFC 3261 17.1.1.3): same branch (the response's top Via), its To.
func ackFor(ep *endpoint, m *msg, ruri string, to netip.AddrPort) {
	bp := getBuf()
	b := *bp
	b = append(b, "ACK "...)
	b = append(b, ruri...)
	b = append(b, " SIP/2.0\r\n"...)
	b = hdr(b, "Via", m.vias[0])
	b = hdrs(b, "Max-Forwards", "70")
	b = hdr(b, "From", m.from)
	b = hdr(b, "To", m.to)
	b = hdr(b, "Call-ID", m.callID)
	b = cseqHdr(b, m.cseq, "ACK")
	b = endHeaders(b, "", nil)
	ep.send(b, to)
	*bp = b
	putBuf(bp)
}
