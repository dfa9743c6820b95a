// Package tone describes and generates call-progress tones: dial, ringback,
// busy, congestion, call waiting, the special information tone, a beep
// before voicemail recording, stutter/confirmation, and in-band DTMF.
//
// A Tone is a cadence of parts written in the indications syntax that
// open-source PBXs share (Asterisk's indications.conf, DAHDI's zonedata):
// "!350+440/100,!0/100,350+440" plays 350+440 Hz for 100 ms, 100 ms of
// silence, then 350+440 Hz for ever. Lookup has the ITU-T E.180
// Supplement 2 values for 34 countries; Parse lets an administrator define
// their own. A Generator renders a Tone as 16-bit PCM at 8 or 16 kHz,
// phase-continuous, with 2 ms ramps at part edges, allocating nothing per
// Read.
package tone
