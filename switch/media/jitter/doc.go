// Package jitter is the playout buffer between a leg's RTP receiver and the
// 20 ms clock that decodes, mixes or records its audio.
//
// The receiver calls Push for every RTP packet as it arrives; the clock calls
// Pop once a tick for one frame of G.711 bytes. Everything is counted in RTP
// timestamp units (samples at 8 kHz), not packets, so a peer may send any
// ptime (10, 20, 30, 40, 60 ms) and still play out in 160-sample frames.
//
// The delay adapts to the network. Every packet's transit (arrival minus
// timestamp, RFC 3550 section 6.4.1) is measured against the fastest transit
// of the last seconds; the target delay covers the slowest recent transit
// (decaying slowly), with MinDelay and MaxDelay as bounds. A packet that comes
// after its playout point raises the target at once and the clock stalls a
// frame (reported Lost, so the caller conceals); when the target falls, the
// buffer drops a frame now and then, or re-anchors for free at the start of a
// talkspurt (RTP marker bit after the buffer ran dry).
//
// A new SSRC, or a timestamp that jumps more than MaxDelay away from what the
// arrival time predicts, resynchronises instead of waiting or playing seconds
// of loss. When no packet has come for Config.IdleAfter and the buffer is
// empty, Pop reports Idle (hold, silence suppression) and the next packet
// starts afresh.
//
// Push and Pop are safe for concurrent use; both hold one mutex for a short,
// allocation-free critical section.
package jitter
