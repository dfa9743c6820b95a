// Package webrtc is the media gateway between browsers and the rest of the
// switch (SPEC W1). It makes a browser look like a plain RTP phone: for each
// browser leg it owns a pion PeerConnection (ICE-lite, DTLS-SRTP, one shared
// UDP port for every leg) and one plain RTP socket on an internal address,
// which the switch's media relay treats as the phone's address.
//
// G.711 (PCMU/0, PCMA/8) is relayed without transcoding and RFC 4733
// telephone-event is mapped between the browser's dynamic payload type and
// the plain side's. Media flows only once ICE and DTLS have completed:
// nothing from the plain socket is sent to a browser before, and nothing
// reaches the plain side that did not arrive over SRTP.
//
// Both offer/answer directions are supported: a browser's offer
// (Gateway.AcceptOffer, then Peer.Answer with the switch's answer) and an
// offer to a browser (Gateway.Offer, then Peer.AcceptAnswer with the
// browser's answer). One offer/answer exchange per Peer: a later re-offer
// (hold, a moved peer) is not renegotiated; see Peer for what that means.
package webrtc
