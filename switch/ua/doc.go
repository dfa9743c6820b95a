// Package ua is a SIP user agent that lives inside the switch process and
// talks to the switch itself over loopback SIP. Each browser session of the
// web-call-protocol drives one Account on a shared Stack: it registers with
// digest, places and answers calls, holds, sends DTMF and INFO, starts and
// stops the switch's recording of a call (INFO "Record: on|off"),
// transfers calls (REFER, with Replaces for an attended transfer, and the
// refer subscription's NOTIFYs), exchanges MESSAGEs and subscribes to
// message-summary and dialog (BLF). Because the browser is then
// an ordinary registered phone to the switch, every feature a SIP phone
// gets (digest auth, the dial plan, CDRs, voicemail, MWI, BLF) works for
// browsers unchanged; the WebRTC gateway (switch/webrtc) turns the
// browser's SDP into the plain RTP SDP this package carries, and back.
//
// One Stack owns one UDP socket on loopback and serves many accounts: each
// account registers a Contact of its own (user part "<user>-<random>"), so
// the switch's requests reach the right account even when one extension
// is logged in twice. Requests are accepted from the switch's address only.
//
// Dialogs are kept here rather than in sipgo's dialog helpers: sipgo's
// WaitAnswer gives up after ten responses without sending CANCEL (the switch
// relays every fork's 180, so a ring group passes ten), its caches panic on
// a dialog without ID, and it has no re-INVITE support. sipgo's client,
// transaction layer and message types are used throughout, through the
// switch's own transport (switch/sip).
//
// Everything a peer sends is checked; a bad request gets a SIP error and
// never reaches the owner. Events reach the owner in order, one at a time,
// on the account's own goroutine (see Events).
package ua
