// Package dtmf handles DTMF digits in the three forms a softswitch meets
// them: RFC 4733 telephone-event RTP packets (Receiver, Sender), in-band
// dual tones in 8 kHz linear PCM (Detector) and SIP INFO bodies
// (ParseInfo).
//
// Digits are bytes: '0'-'9', '*', '#', 'A'-'D' and '!' for a hook flash
// (RFC 4733 event 16). The package depends on the standard library only,
// so that switch/media can import it.
package dtmf
