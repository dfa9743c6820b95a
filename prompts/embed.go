// Package prompts holds the shipped prompt set and music on hold, embedded
// so that a fresh install can answer calls without any audio files.
//
// Layout of FS:
//
//	<lang>/<name>.wav    a spoken prompt, e.g. en/ivr/welcome.wav, en/digits/7.wav
//	moh/<class>/*.wav    music on hold, played in turn; the shipped class is "default"
//
// Every file is 8000 Hz mono 16-bit PCM WAV. Prompts are trimmed to about
// 50 ms of silence at each end so that they chain (scripts/say.lua builds
// numbers, dates and times from them) and peak at about -3 dBFS.
//
// A file of the same path under the data directory's prompts/ overrides the
// embedded one, so an operator can re-record single prompts.
//
// en.txt lists every English prompt as "name|text"; generate.sh (espeak-ng
// and sox) rebuilds en/ and moh/ from it. The WAVs are committed, so neither
// tool is needed to build, test or run.
package prompts

import "embed"

// FS holds en/ and moh/.
//
//go:embed en moh
var FS embed.FS
