// Package e2e holds end-to-end tests that drive hookswitch with real SIP
// peers (baresip) over loopback, plus the small audio helpers they need:
// a WAV reader/writer and tone analysis (Goertzel) to prove that audio
// really crossed the switch in both directions.
package e2e
