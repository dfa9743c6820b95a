// Package callproto is the wire layer of the web-call-protocol, the
// WebSocket API of seed 000 section 4.3 that the switch serves to web
// phones: the key=value message codec, the catalogue of ops (commands,
// their ACKs, events) with the fields and codes of each, validation of what
// a client sends, builders for replies and events, and the nonce handshake's
// HMAC-SHA256 password proof.
//
// The package is pure: no network, no SIP, no WebRTC, standard library only
// (plus switch/hook's user-part rule). Parse and Validate accept any bytes
// and never panic; Encode never produces a frame that injects lines.
//
// docs/web-call-protocol.md is the normative description, including every
// deliberate difference from the seed document.
package callproto
