// Package media anchors call media: it relays RTP and RTCP between the two
// legs of a B2BUA call through ports of our own (SPEC M1), latches each leg
// onto the address its RTP really comes from (symmetric RTP, SPEC S4), tears
// silent calls down, parses and rewrites SDP (RFC 4566, RFC 3264) and
// converts G.711 (SPEC M2).
//
// The relay is built for many concurrent calls: one reader goroutine and one
// reused buffer per socket, no allocation per packet, and one ticker per
// Engine for inactivity instead of a timer per packet.
package media
