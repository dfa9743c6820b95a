package load

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strconv"
	"sync"
)

// T1 and T2 are the RFC 3261 17.1.1.1 timer values for UDP retransmission.
const (
	T1 = 500_000_000 // ns
	T2 = 4_000_000_000
)

// userAgent names the generator in every message it sends.
const userAgent = "hookswitch-load"

// runID makes Call-IDs, tags and branches unique across processes.
var runID = func() string {
	var b [4]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}()

// bufPool recycles message buffers: building a message must not allocate.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

func getBuf() *[]byte { b := bufPool.Get().(*[]byte); *b = (*b)[:0]; return b }
func putBuf(b *[]byte) {
	if cap(*b) <= 16384 {
		bufPool.Put(b)
	}
}

// hdr appends "Name: value\r\n".
func hdr(b []byte, name string, val ...[]byte) []byte {
	b = append(b, name...)
	b = append(b, ": "...)
	for _, v := range val {
		b = append(b, v...)
	}
	return append(b, "\r\n"...)
}

// hdrs appends "Name: value\r\n" with string parts.
func hdrs(b []byte, name string, val ...string) []byte {
	b = append(b, name...)
	b = append(b, ": "...)
	for _, v := range val {
		b = append(b, v...)
	}
	return append(b, "\r\n"...)
}

// cseqHdr appends "CSeq: n METHOD".
func cseqHdr(b []byte, n uint32, method string) []byte {
	b = append(b, "CSeq: "...)
	b = strconv.AppendUint(b, uint64(n), 10)
	b = append(b, ' ')
	b = append(b, method...)
	return append(b, "\r\n"...)
}

// viaHdr appends our Via with a branch made of a fixed prefix and a number.
func viaHdr(b []byte, local string, branch string, n uint32) []byte {
	b = append(b, "Via: SIP/2.0/UDP "...)
	b = append(b, local...)
	b = append(b, ";rport;branch=z9hG4bK"...)
	b = append(b, branch...)
	b = append(b, '.')
	b = strconv.AppendUint(b, uint64(n), 36)
	return append(b, "\r\n"...)
}

// endHeaders appends Content-Length and the body.
func endHeaders(b []byte, ctype string, body []byte) []byte {
	if len(body) > 0 {
		b = hdrs(b, "Content-Type", ctype)
	}
	b = append(b, "Content-Length: "...)
	b = strconv.AppendInt(b, int64(len(body)), 10)
	b = append(b, "\r\n\r\n"...)
	return append(b, body...)
}

// sdpBody is a G.711 PCMU offer or answer for an IPv4 address and port.
func sdpBody(b []byte, ip string, port uint16, sess uint64) []byte {
	b = append(b, "v=0\r\no=- "...)
	b = strconv.AppendUint(b, sess, 10)
	b = append(b, " 1 IN IP4 "...)
	b = append(b, ip...)
	b = append(b, "\r\ns=-\r\nc=IN IP4 "...)
	b = append(b, ip...)
	b = append(b, "\r\nt=0 0\r\nm=audio "...)
	b = strconv.AppendUint(b, uint64(port), 10)
	return append(b, " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\na=sendrecv\r\n"...)
}

// sdpAudio finds the audio destination of an SDP body: the media-level
// c= line if any, else the session one (RFC 4566 5.7).
func sdpAudio(body []byte) (netip.AddrPort, error) {
	var sessIP, mediaIP []byte
	var port int
	inAudio := false
	for len(body) > 0 {
		var line []byte
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			line, body = bytes.TrimRight(body[:i], "\r"), body[i+1:]
		} else {
			line, body = body, nil
		}
		switch {
		case bytes.HasPrefix(line, []byte("m=")):
			if port != 0 {
				body = nil // first audio stream only
				continue
			}
			inAudio = bytes.HasPrefix(line, []byte("m=audio "))
			if inAudio {
				f := bytes.Fields(line[8:])
				if len(f) > 0 {
					port, _ = atou(f[0])
				}
			}
		case bytes.HasPrefix(line, []byte("c=IN IP4 ")), bytes.HasPrefix(line, []byte("c=IN IP6 ")):
			if port != 0 && inAudio {
				mediaIP = bytes.TrimSpace(line[9:])
			} else if port == 0 {
				sessIP = bytes.TrimSpace(line[9:])
			}
		}
	}
	ip := mediaIP
	if ip == nil {
		ip = sessIP
	}
	if port <= 0 || port > 65535 || ip == nil {
		return netip.AddrPort{}, ErrSDP
	}
	a, err := netip.ParseAddr(string(ip))
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("connection address %q: %w", clip(string(ip)), ErrSDP)
	}
	return netip.AddrPortFrom(a, uint16(port)), nil
}

// uriHostPort resolves the host:port of a sip URI that holds an IP
// address, for sending to a Contact directly; ok is false otherwise.
func uriHostPort(uri []byte) (netip.AddrPort, bool) {
	if i := bytes.IndexByte(uri, '@'); i >= 0 {
		uri = uri[i+1:]
	} else if i := bytes.IndexByte(uri, ':'); i >= 0 {
		uri = uri[i+1:]
	}
	if i := bytes.IndexAny(uri, ";?>"); i >= 0 {
		uri = uri[:i]
	}
	if ap, err := netip.ParseAddrPort(string(uri)); err == nil {
		return ap, true
	}
	if a, err := netip.ParseAddr(string(uri)); err == nil {
		return netip.AddrPortFrom(a, 5060), true
	}
	return netip.AddrPort{}, false
}
