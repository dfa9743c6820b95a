// Package torture holds the RFC 4475 SIP torture messages and the tests
// that throw them, and mutations of ordinary messages, at a running switch
// (SPEC R6): every malformed request gets a clear 4xx, every valid one its
// proper answer, unanswerable ones are dropped, and the switch survives.
//
// The messages live in testdata/ in the RFC's own notation (RFC 4475
// section 2), decoded by Decode; they are embedded so that other packages
// (the switch/sip fuzz tests) can seed from them. The one change from the
// RFC's text: the top Via of every request names 127.0.0.1, so that no
// answer ever leaves loopback (the tests add their own port to it).
package torture
