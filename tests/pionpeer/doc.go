// Package pionpeer is a WebRTC endpoint for tests, standing for a browser's
// RTCPeerConnection or a far end on loopback: loopback candidates only
// (UDP4, no mDNS), PCMU and telephone-event, a raw track that sends RTP
// packets as the test chooses, and counts of the packets received.
// Offer, Answer, SetAnswer and Connected take a testing.TB and fail the
// test on error, so tests read as the exchange they check.
package pionpeer
