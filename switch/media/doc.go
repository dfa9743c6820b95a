// Package media anchors call media: it relays RTP and RTCP between the two
// legs of a B2BUA call through ports of our own (SPEC M1), latches each leg
// onto the address its RTP really comes from (symmetric RTP, SPEC S4), tears
// silent calls down, parses and rewrites SDP (RFC 4566, RFC 3264) and
// converts G.711 (SPEC M2).
//
// The relay is built for many concurrent calls. On Linux a fixed set of
// workers (Config.Workers, default GOMAXPROCS), each owning an epoll set and
// one buffer, move the packets of all sessions over raw non-blocking
// sockets: a call costs a few hundred bytes, not goroutines. Elsewhere one
// reader goroutine per socket does the same job. Both apply the same
// per-packet rules (path.route), allocate nothing per packet, and share one
// ticker per Engine for inactivity instead of a timer per packet.
package media
