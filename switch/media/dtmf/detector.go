package dtmf

import "math"

// Detector finds DTMF digits in 8 kHz mono linear PCM. Each key press is
// reported once, when its tone has lasted about 35 ms (Q.24: 40 ms must be
// accepted, shorter bursts are speech); a held key is one digit, and the
// same key counts again only after a pause of about 35 ms, while a
// different key counts at once. Breaks of up to ~10 ms within a tone are
// bridged.
//
// A block is a candidate digit when its strongest row and column tones are
// loud enough, within the twist limits, clear of the other tones of their
// groups and hold most of the block's energy, and when consecutive blocks
// agree on the frequencies through the tones' phase advance. Durations are
// measured finer than a block: a block partly filled with tone has a
// Goertzel magnitude in proportion to the part filled, so a run's length
// is the sum of those parts, the blocks on either side included.
//
// A Detector is not safe for concurrent use.
type Detector struct {
	s1, s2 [8]float64 // Goertzel state of the block being filled
	energy float64    // sum of squares of the block being filled
	n      int        // samples in the block being filled

	prev block // the last complete block
	run  run   // consecutive blocks of the same candidate

	// held is the key of the last digit reported, until a pause re-arms
	// it; heldRow and heldCol are its tone powers, gap the pause so far in
	// blocks.
	held             key
	heldRow, heldCol float64
	gap              float64
}

// block is the outcome of one complete block.
type block struct {
	p, re, im [8]float64 // power and complex Goertzel output per filter
	energy    float64
	cand      key // the candidate digit
}

// run is a stretch of consecutive blocks with the same candidate.
type run struct {
	cand     key // noKey when there is no run
	n        int
	before   [2]float64 // row, column powers of the block before the run
	row, col [maxRun]float64
	energy   [maxRun]float64
	// zRe, zIm sum the phase advances of the row and column tones from
	// block to block, relative to the filters' (see sameFreq).
	zRe, zIm [2]float64
	reported bool // the run has been judged long enough
}

// NewDetector returns a Detector waiting for its first digit. The zero
// Detector is ready too.
func NewDetector() *Detector { return &Detector{} }

// Reset forgets all state, for a stream that restarts.
func (d *Detector) Reset() { *d = Detector{} }

// Process feeds any number of samples and appends to dst the digits whose
// tones reached their minimum length in them. It allocates nothing when
// dst has room.
func (d *Detector) Process(dst []byte, pcm []int16) []byte {
	for len(pcm) > 0 {
		m := min(len(pcm), blockLen-d.n)
		d.feed(pcm[:m])
		pcm = pcm[m:]
		d.n += m
		if d.n == blockLen {
			dst = d.endBlock(dst)
		}
	}
	return dst
}

func (d *Detector) endBlock(dst []byte) []byte {
	var b block
	for i := range filters {
		// y[N-1] = s1 - e^(-jw) s2: the block's DFT at w, rotated by a
		// phase that is the same for every block and cancels in sameFreq.
		re := d.s1[i] - filters[i].cos*d.s2[i]
		im := filters[i].sin * d.s2[i]
		b.re[i], b.im[i], b.p[i] = re, im, re*re+im*im
	}
	b.energy = d.energy
	b.cand = classify(&b.p, d.energy)
	d.s1, d.s2, d.energy, d.n = [8]float64{}, [8]float64{}, 0, 0

	dst = d.track(dst, &b)
	d.prev = b
	return dst
}

// track updates the pause after the held digit and the current run with
// block b, reporting a digit when a run is long enough.
func (d *Detector) track(dst []byte, b *block) []byte {
	if d.held != noKey {
		r, c := rowCol(d.held)
		f := fill(b.p[r], b.p[c], d.heldRow, d.heldCol)
		if b.cand == d.held && f >= fullFill {
			d.gap = 0
			// Follow slow level changes of a held key.
			d.heldRow, d.heldCol = b.p[r], b.p[c]
		} else if d.gap += 1 - min(f, 1); d.gap >= minBlocks {
			d.held = noKey
		}
	}

	ru := &d.run
	switch {
	case b.cand != noKey && b.cand == ru.cand:
		if d.sameFreq(b) {
			ru.add(b)
		} else {
			ru.start(b, nil) // the tones moved: not one steady pair
		}
	default:
		if ru.cand != noKey {
			if ru.due(b) {
				dst = d.report(dst, b)
			}
			ru.cand = noKey
		}
		if b.cand != noKey {
			ru.start(b, &d.prev)
		}
	}
	if ru.cand != noKey && ru.due(nil) {
		dst = d.report(dst, nil)
	}
	return dst
}

// sameFreq reports whether both tones of b's candidate advanced their
// phase since the previous block as an exact tone would, within the
// frequency tolerance, and adds the advances to the run's sums. A tone
// dw off the filter's frequency w turns z = (y_b conj(y_prev)) e^(-jwN)
// by dw*N; the tolerance keeps z near the positive real axis.
func (d *Detector) sameFreq(b *block) bool {
	r, c := rowCol(b.cand)
	var zRe, zIm [2]float64
	for t, i := range [2]int{r, c} {
		f := &filters[i]
		xr := b.re[i]*d.prev.re[i] + b.im[i]*d.prev.im[i]
		xi := b.im[i]*d.prev.re[i] - b.re[i]*d.prev.im[i]
		zRe[t] = xr*f.stepCos + xi*f.stepSin
		zIm[t] = xi*f.stepCos - xr*f.stepSin
		if zRe[t] < f.cosTol*math.Sqrt(b.p[i]*d.prev.p[i]) {
			return false
		}
	}
	for t := range 2 {
		d.run.zRe[t] += zRe[t]
		d.run.zIm[t] += zIm[t]
	}
	return true
}

// report ends the current run as long enough: its digit is appended
// unless it is the held digit with no pause since. after is the block
// that ended the run, if it did.
func (d *Detector) report(dst []byte, after *block) []byte {
	ru := &d.run
	ru.reported = true
	if ru.cand == d.held {
		return dst
	}
	dst = append(dst, ru.cand.digit())
	d.held = ru.cand
	d.heldRow, d.heldCol = ru.ref()
	d.gap = 0
	if after != nil {
		r, c := rowCol(ru.cand)
		d.gap = 1 - min(fill(after.p[r], after.p[c], d.heldRow, d.heldCol), 1)
	}
	return dst
}

func (ru *run) start(b *block, before *block) {
	r, c := rowCol(b.cand)
	*ru = run{cand: b.cand}
	if before != nil {
		ru.before = [2]float64{before.p[r], before.p[c]}
	}
	ru.add(b)
}

func (ru *run) add(b *block) {
	if ru.n < maxRun {
		r, c := rowCol(ru.cand)
		ru.row[ru.n], ru.col[ru.n], ru.energy[ru.n] = b.p[r], b.p[c], b.energy
	}
	ru.n++
}

// due reports whether the run is long enough to report and not reported
// yet; after is the block that ended it, if it has ended.
func (ru *run) due(after *block) bool {
	return !ru.reported && ru.n >= 2 && ru.length(after) >= minBlocks && ru.steady()
}

// steady checks the run as a whole against the limits that one block can
// only estimate: the twist of its summed powers and the share of the
// tones in its full blocks, with the powers corrected for the frequency
// offset the phase advances measured.
func (ru *run) steady() bool {
	lossR := offsetLoss(math.Atan2(ru.zIm[0], ru.zRe[0]) / blockLen)
	lossC := offsetLoss(math.Atan2(ru.zIm[1], ru.zRe[1]) / blockLen)
	refR, refC := ru.ref()
	var sumR, sumC, fullTones, fullEnergy float64
	for i := range min(ru.n, maxRun) {
		pr, pc := ru.row[i]/lossR, ru.col[i]/lossC
		sumR += pr
		sumC += pc
		if fill(ru.row[i], ru.col[i], refR, refC) >= fullFill {
			fullTones += pr + pc
			fullEnergy += ru.energy[i]
		}
	}
	return sumC <= sumR*maxTwist && sumC >= sumR*minTwist &&
		fullTones >= runShare*fullEnergy*blockLen/2
}

// offsetLoss is the power response of a Goertzel filter of blockLen
// samples to a tone dw rad/sample off its frequency, the Dirichlet kernel
// squared. Offsets are within the tolerance, where it stays above 0.6.
func offsetLoss(dw float64) float64 {
	h := dw / 2
	if math.Abs(h) < 1e-9 {
		return 1
	}
	return max(0.5, sq(math.Sin(h*blockLen)/(blockLen*math.Sin(h))))
}

// ref returns the run's strongest row and column powers, those of a block
// full of tone.
func (ru *run) ref() (float64, float64) {
	var pr, pc float64
	for i := range min(ru.n, maxRun) {
		pr, pc = max(pr, ru.row[i]), max(pc, ru.col[i])
	}
	return pr, pc
}

// length estimates the run's tone length in blocks: the fills of its
// blocks, of the block before it and of after, the block that ended it.
func (ru *run) length(after *block) float64 {
	pr, pc := ru.ref()
	sum := min(fill(ru.before[0], ru.before[1], pr, pc), 1)
	for i := range min(ru.n, maxRun) {
		sum += min(fill(ru.row[i], ru.col[i], pr, pc), 1)
	}
	if after != nil {
		r, c := rowCol(ru.cand)
		sum += min(fill(after.p[r], after.p[c], pr, pc), 1)
	}
	return sum
}

// fill estimates the part of a block that holds a tone pair of reference
// powers refRow, refCol (a full block): the Goertzel magnitude grows with
// the number of tone samples, the power with its square. The weaker tone
// decides, as both must sound.
func fill(row, col, refRow, refCol float64) float64 {
	return math.Sqrt(min(row/refRow, col/refCol))
}
