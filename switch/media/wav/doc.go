// Package wav reads and writes RIFF/WAVE audio for prompts, voicemail and
// recordings, and turns any accepted file into what the switch plays: 8 kHz
// mono signed 16-bit PCM.
//
// Decode accepts 16-bit PCM, 8-bit unsigned PCM, and 8-bit G.711 μ-law and
// A-law (format tags 1, 6 and 7, also inside WAVE_FORMAT_EXTENSIBLE), with
// chunks in any order. To8kMono averages the channels and resamples: a
// half-band FIR for 16 kHz (the common wideband prompt) and a Kaiser-windowed
// sinc for every other rate. Writer streams a recording to disk through a
// buffer and patches the sizes on Close; a file whose Close never ran still
// decodes, because Decode reads a data chunk of unknown size to the end.
//
// The package imports nothing from switch/media, which imports it.
package wav
