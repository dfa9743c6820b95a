package mix

import (
	"fmt"
	"math"
)

// MaxParticipants bounds a mix so that the int32 sum cannot overflow.
const MaxParticipants = math.MaxInt32 / (-math.MinInt16)

// MaxFrameSize is the largest frame a Mixer accepts (1 s at 8 kHz).
const MaxFrameSize = 8000

// Mixer mixes frames of a fixed size. It holds the int32 sum of a frame,
// allocated once, so it allocates nothing after New. It is not safe for
// concurrent use.
type Mixer struct {
	sum []int32
	err error // a bad frame size given to New, returned by every Mix
}

// New returns a Mixer for frames of n samples (160 for 20 ms at 8 kHz).
// For n outside 1-MaxFrameSize every Mix returns an error wrapping
// ErrFrameSize.
func New(n int) *Mixer {
	if n <= 0 || n > MaxFrameSize {
		return &Mixer{err: fmt.Errorf("%w: %d samples, want 1-%d", ErrFrameSize, n, MaxFrameSize)}
	}
	return &Mixer{sum: make([]int32, n)}
}

// FrameSize returns the frame size in samples.
func (m *Mixer) FrameSize() int { return len(m.sum) }

// Mix writes to outs[p] the sum of ins[q] over every q != p with
// speaking[q] true; a participant that is not speaking (muted, or no audio
// this frame) gets the whole sum. full, unless nil, gets the whole sum too:
// what a recording of the conference hears. ins[p] is read only when
// speaking[p] and may be nil otherwise; a nil outs[p] is skipped (nobody
// listens there). Every non-nil slice must hold FrameSize samples. outs[p]
// may be ins[p] (mixing in place) but must not overlap any other input.
//
// Nothing is written when the arguments do not match.
func (m *Mixer) Mix(outs, ins [][]int16, speaking []bool, full []int16) error {
	if m.err != nil {
		return m.err
	}
	n := len(m.sum)
	if full != nil && len(full) != n {
		return fmt.Errorf("%w: full mix has %d samples, want %d", ErrMismatch, len(full), n)
	}
	if len(ins) != len(outs) || len(speaking) != len(outs) {
		return fmt.Errorf("%w: %d outputs, %d inputs, %d speaking flags", ErrMismatch, len(outs), len(ins), len(speaking))
	}
	if len(ins) > MaxParticipants {
		return fmt.Errorf("%w: %d participants, at most %d", ErrMismatch, len(ins), MaxParticipants)
	}
	for p := range ins {
		if speaking[p] && len(ins[p]) != n {
			return fmt.Errorf("%w: input %d has %d samples, want %d", ErrMismatch, p, len(ins[p]), n)
		}
		if outs[p] != nil && len(outs[p]) != n {
			return fmt.Errorf("%w: output %d has %d samples, want %d", ErrMismatch, p, len(outs[p]), n)
		}
	}
	sum := m.sum
	clear(sum)
	for p, in := range ins {
		if !speaking[p] {
			continue
		}
		in = in[:len(sum)]
		for i, v := range in {
			sum[i] += int32(v)
		}
	}
	for p, out := range outs {
		if out == nil {
			continue
		}
		out = out[:len(sum)]
		if !speaking[p] {
			for i, s := range sum {
				out[i] = saturate(s)
			}
			continue
		}
		in := ins[p][:len(sum)]
		for i, s := range sum {
			out[i] = saturate(s - int32(in[i]))
		}
	}
	if full != nil {
		full = full[:len(sum)]
		for i, s := range sum {
			full[i] = saturate(s)
		}
	}
	return nil
}

// saturate clips to int16; min and max compile to conditional moves.
func saturate(s int32) int16 {
	return int16(max(min(s, math.MaxInt16), math.MinInt16))
}
