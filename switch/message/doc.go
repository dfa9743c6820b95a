// Package message relays SIP MESSAGE requests (RFC 3428, instant
// messages) between the switch's extensions.
//
// A MESSAGE outside any dialog is authenticated like an INVITE (digest,
// a 407 challenge), checked, shown to the message hook, which may reject
// it or send it to another extension, and then sent as a new MESSAGE to
// every registered contact of the recipient at once, phones and browsers
// (over their WebSocket) alike. The first 2xx wins and the sender gets
// it; when every contact refuses, the sender gets the best refusal (RFC
// 3261 16.7). The sender's transaction is answered within Config.Timeout
// (408 when no contact answered by then), well before its own Timer F.
//
// Known limits:
//   - Only extensions may send, and only to extensions: a MESSAGE from a
//     trunk or to an outside number is refused (403/404).
//   - Nothing is stored: a recipient with no registered contact gets
//     nothing and the sender hears 480 (no offline delivery).
//   - Bodies up to Config.MaxBody (8 KiB) are relayed on any transport.
//     RFC 3428 section 8 asks that requests over 1300 bytes not go over
//     UDP; the switch sends over UDP what its UDP phones registered with,
//     so such a phone may lose a large message (set MaxBody to 1300 to
//     refuse them up front with 413).
//   - A MESSAGE inside a dialog (a To tag) belongs to the call layer; it
//     goes to Server.InDialog.
package message
