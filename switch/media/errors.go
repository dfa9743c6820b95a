package media

import "errors"

var (
	// ErrBadConfig is wrapped by every Config validation error.
	ErrBadConfig = errors.New("bad media config")
	// ErrNoPorts means every RTP port pair of the range is in use or fails to bind.
	ErrNoPorts = errors.New("no free rtp ports")
	// ErrClosed is returned once the Engine has been closed.
	ErrClosed = errors.New("media engine closed")

	// ErrEmptySDP means the body holds no SDP lines at all.
	ErrEmptySDP = errors.New("empty sdp")
	// ErrTooLarge means the SDP exceeds MaxSDPSize.
	ErrTooLarge = errors.New("sdp too large")
	// ErrMalformedLine means a line is not of the form <type>=<value>.
	ErrMalformedLine = errors.New("malformed sdp line")
	// ErrMissingVersion means there is no v= line before the first m= line.
	ErrMissingVersion = errors.New("sdp missing v= line")
	// ErrMissingOrigin means there is no o= line before the first m= line.
	ErrMissingOrigin = errors.New("sdp missing o= line")
	// ErrMissingConnection means the audio stream has neither a media nor a session c= line.
	ErrMissingConnection = errors.New("sdp missing c= line")
	// ErrNoAudio means the SDP has no m=audio line.
	ErrNoAudio = errors.New("sdp has no audio stream")
	// ErrBadMedia means an m= line lacks its media, port or proto field.
	ErrBadMedia = errors.New("bad sdp m= line")
	// ErrBadPort means an m= port is not a number in 0-65535.
	ErrBadPort = errors.New("bad sdp port")
	// ErrBadAddress means a c= line does not carry an IP address.
	ErrBadAddress = errors.New("bad sdp address")
	// ErrNoCommonCodec means no audio codec we relay (PCMU, PCMA, G722) is
	// left; the SIP layer answers 488 Not Acceptable Here.
	ErrNoCommonCodec = errors.New("no common audio codec")
	// ErrUnsupportedProfile means the audio stream uses SRTP (RTP/SAVP or
	// RTP/SAVPF), which a plain RTP leg cannot carry.
	ErrUnsupportedProfile = errors.New("unsupported media profile")
	// ErrBadRewrite means RewriteOptions lack a valid IP or port.
	ErrBadRewrite = errors.New("bad sdp rewrite options")
)

var (
	// ErrNotG711 means a leg to terminate does not speak PCMU or PCMA.
	ErrNotG711 = errors.New("terminated media needs pcmu or pcma")
	// ErrBadDigit means a digit to send is not one of 0-9 * # A-D.
	ErrBadDigit = errors.New("not a dtmf digit")
)
