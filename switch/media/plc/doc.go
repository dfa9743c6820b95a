// Package plc conceals lost 8 kHz speech frames, after ITU-T G.711
// Appendix I (1999), simplified: no 3.75 ms output delay, so the start of
// an erasure is not cross-faded with the speech before it; the repeated
// pitch period is smoothed at its own wrap instead.
//
// A Concealer sees every frame of one stream in order: Good for a frame
// that arrived, Lost for one that did not. On the first lost frame it finds
// the pitch period of the recent speech by normalised autocorrelation and
// repeats the last period, then the last two, then three (10 ms each, so
// the repetition does not buzz), attenuated by 20 % per 10 ms after the
// first 10 ms: silence after 60 ms. The first good frame after a loss is
// cross-faded with the synthetic signal so the join does not click.
//
// A Concealer allocates nothing; its zero value is ready to use. It is not
// safe for concurrent use.
package plc
