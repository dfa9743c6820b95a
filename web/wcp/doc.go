// Package wcp serves the web-call-protocol (docs/web-call-protocol.md):
// an http.Handler that upgrades to a WebSocket with subprotocol
// web-call-protocol, one session per socket. A session registers at most
// one extension as a switch/ua Account after checking the HMAC password
// proof against the stored SIP password, and its calls are that account's
// calls: the browser's WebRTC SDP goes into the UA's INVITE as it is, and
// the switch's call layer puts it through the WebRTC gateway (the UA
// stack's bindings count as browsers, see switch/call Config.Browser).
// Guest calls (op 1011, Config.Guest) are placed from one shared account
// of the guest extension, to allow-listed numbers only. Messages (1009,
// 9005, 9006) are SIP MESSAGEs of the account, recording control (1013) an
// INFO "Record: on|off", BLF (1014, 9012) dialog subscriptions, and the
// second call (1008, 9007) a second call of the account that 1010
// completes with a REFER.
//
// The wire format, the catalogue and validation are web/callproto's;
// everything a client sends is parsed and validated there, and a refusal
// is answered with a clear reason while the socket stays up.
package wcp
