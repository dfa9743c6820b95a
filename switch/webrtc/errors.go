package webrtc

import "errors"

var (
	// ErrBadConfig is wrapped by every Config validation error.
	ErrBadConfig = errors.New("bad webrtc gateway config")
	// ErrClosed is returned once the Gateway or the Peer has been closed.
	ErrClosed = errors.New("webrtc gateway closed")
	// ErrBadSDP means an SDP could not be parsed or lacks what we need
	// (an audio stream, a connection address...).
	ErrBadSDP = errors.New("bad sdp")
	// ErrNotWebRTC means a browser SDP is not DTLS-SRTP with ICE: it lacks
	// the UDP/TLS/RTP/SAVPF profile, the fingerprint or the ICE credentials.
	ErrNotWebRTC = errors.New("not a webrtc sdp")
	// ErrRejected means the answer declined the audio stream (port 0).
	ErrRejected = errors.New("audio stream rejected")
	// ErrState means a call out of order: Answer on a Peer made by Offer,
	// or an answer given twice.
	ErrState = errors.New("webrtc peer in the wrong state")
	// ErrNegotiation wraps what pion reports when it refuses a description
	// or fails to build one.
	ErrNegotiation = errors.New("webrtc negotiation failed")
)
