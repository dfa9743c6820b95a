package ua

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hookswitch/hookswitch/switch/media"
	"github.com/hookswitch/hookswitch/switch/webrtc"
)

var (
	errSDPNoOrigin = errors.New("no o= line")
	errSDPOrigin   = errors.New("malformed o= line")
	errSDPLine     = errors.New("malformed line")
)

// sdpVersion reads the sess-version of the o= line (RFC 4566 5.2).
func sdpVersion(sdp []byte) (uint64, error) {
	for _, ln := range sdpLines(sdp) {
		if strings.HasPrefix(ln, "o=") {
			f := strings.Fields(ln[2:])
			if len(f) != 6 {
				return 0, fmt.Errorf("sdp: %w", errSDPOrigin)
			}
			v, err := strconv.ParseUint(f[2], 10, 63)
			if err != nil {
				return 0, fmt.Errorf("sdp: o= version %q: %w", clip(f[2]), errSDPOrigin)
			}
			return v, nil
		}
	}
	return 0, fmt.Errorf("sdp: %w", errSDPNoOrigin)
}

// editSDP returns sdp with CRLF line ends, its o= sess-version set to
// version, every direction attribute removed and dir written at the end of
// each media section (or of the session, without media): hold, resume
// and the answer to a hold are this one change (RFC 3264 8.4).
func editSDP(sdp []byte, dir media.Direction, version uint64) ([]byte, error) {
	if len(sdp) > media.MaxSDPSize {
		return nil, fmt.Errorf("sdp: %d bytes: %w", len(sdp), media.ErrTooLarge)
	}
	lines := sdpLines(sdp)
	out := make([]byte, 0, len(sdp)+32)
	attr := "a=" + dir.String() + "\r\n"
	sawO, sawM := false, false
	for _, ln := range lines {
		if len(ln) < 2 || ln[1] != '=' {
			return nil, fmt.Errorf("sdp: %q: %w", clip(ln), errSDPLine)
		}
		switch {
		case ln[0] == 'o' && !sawO:
			f := strings.Fields(ln[2:])
			if len(f) != 6 {
				return nil, fmt.Errorf("sdp: %w", errSDPOrigin)
			}
			f[2] = strconv.FormatUint(version, 10)
			ln = "o=" + strings.Join(f, " ")
			sawO = true
		case ln[0] == 'm':
			if sawM {
				out = append(out, attr...)
			}
			sawM = true
		case isDirection(ln):
			continue
		}
		out = append(out, ln...)
		out = append(out, "\r\n"...)
	}
	if !sawO {
		return nil, fmt.Errorf("sdp: %w", errSDPNoOrigin)
	}
	return append(out, attr...), nil
}

// sdpLines splits an SDP into its non-blank lines, LF or CRLF ended.
func sdpLines(sdp []byte) []string {
	var lines []string
	for _, ln := range strings.Split(string(sdp), "\n") {
		ln = strings.TrimRight(ln, "\r \t")
		if strings.TrimSpace(ln) != "" {
			lines = append(lines, ln)
		}
	}
	return lines
}

func isDirection(ln string) bool {
	switch ln {
	case "a=sendrecv", "a=sendonly", "a=recvonly", "a=inactive":
		return true
	}
	return false
}

// answerDir is the direction of our answer to an offer (RFC 3264 6.1):
// what the offer allows us, less sending when we hold.
func answerDir(offer media.AudioInfo, hold bool) media.Direction {
	send, recv := true, true
	switch offer.Direction {
	case media.DirectionSendOnly:
		send = false
	case media.DirectionRecvOnly:
		recv = false
	case media.DirectionInactive:
		send, recv = false, false
	}
	if offer.Hold && offer.Direction != media.DirectionInactive && offer.Direction != media.DirectionRecvOnly {
		send = false // c=0.0.0.0: do not send to it (RFC 2543 hold)
	}
	if hold {
		recv = false
	}
	switch {
	case send && recv:
		return media.DirectionSendRecv
	case send:
		return media.DirectionSendOnly
	case recv:
		return media.DirectionRecvOnly
	}
	return media.DirectionInactive
}

// parseRemote checks an SDP the other side sent. In WebRTC SDP (the
// switch's gateway offers and answers it to web-call-protocol sessions)
// c=0.0.0.0 is what JSEP writes, addresses travel as ICE candidates
// (RFC 8839 5.1), so only the direction says hold.
func parseRemote(body []byte) (media.AudioInfo, error) {
	s, err := media.ParseSDP(body)
	if err != nil {
		return media.AudioInfo{}, err
	}
	info := s.Audio()
	if info.Hold && webrtc.IsWebRTC(body) {
		info.Hold = info.Direction == media.DirectionSendOnly || info.Direction == media.DirectionInactive
	}
	return info, nil
}
