// Package dialrule is the matching core of inbound and outbound routing:
// Asterisk-style dial patterns with the outbound rule transform (strip,
// prepend), caller-ID masks and DID pools for inbound rules, exact overlap
// tests between them (so that two tenants' DIDs or two rules never silently
// shadow each other), and the normalisation of numbers taken from SIP user
// parts.
//
// The package is pure: no I/O, no state, standard library only. Matching
// allocates nothing.
//
// Numbers are strings over the alphabet 0-9 * # + (a '+' is only meaningful
// first, which Normalize enforces). Masks and pools follow the grammar of
// the seed's DID pools (seed 001, items 14-17); patterns follow Asterisk
// (seed 004, dial rules).
package dialrule
