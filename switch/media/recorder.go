package media

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hookswitch/hookswitch/switch/media/wav"
)

// recQueue is how far a recorder's disk may fall behind its clock before
// frames are dropped: a second of audio, so a slow disk never stalls the
// clock that ticks every call's media.
const recQueue = 50

// recFrame is one 20 ms frame, mono or interleaved stereo.
type recFrame struct {
	n int
	s [2 * FrameSamples]int16
}

// Recorder writes 8 kHz audio to a WAV file from its own goroutine: the
// clock hands it frames without waiting for the disk.
type Recorder struct {
	channels int
	ch       chan recFrame
	done     chan struct{}
	f        *os.File
	w        *wav.Writer
	frames   atomic.Int64
	dropped  atomic.Int64
	quiet    atomic.Int64 // frames since the last one above quietLevel

	mu     sync.Mutex
	closed bool
	err    error // the first write error; later frames are dropped
}

// NewRecorder creates path (which must not exist) as a WAV file of 1
// (mono) or 2 (stereo: caller left, callee right) channels.
func NewRecorder(path string, channels int) (*Recorder, error) {
	if channels != 1 && channels != 2 {
		return nil, fmt.Errorf("new recorder: %d channels: want 1 or 2", channels)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return nil, fmt.Errorf("new recorder: %w", err)
	}
	w, err := wav.NewWriter(f, 8000, channels)
	if err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("new recorder %s: %w", path, err)
	}
	r := &Recorder{channels: channels, ch: make(chan recFrame, recQueue), done: make(chan struct{}), f: f, w: w}
	go r.run()
	return r, nil
}

func (r *Recorder) run() {
	defer close(r.done)
	for fr := range r.ch {
		if err := r.w.Write(fr.s[:fr.n]); err != nil {
			r.mu.Lock()
			if r.err == nil {
				r.err = err
			}
			r.mu.Unlock()
		}
	}
}

// Write queues a mono frame; a stereo recorder puts it in both channels.
func (r *Recorder) Write(pcm []int16) {
	var fr recFrame
	if r.channels == 1 {
		fr.n = copy(fr.s[:FrameSamples], pcm)
	} else {
		n := min(len(pcm), FrameSamples)
		for i := range n {
			fr.s[2*i], fr.s[2*i+1] = pcm[i], pcm[i]
		}
		fr.n = 2 * n
	}
	r.queue(&fr)
}

// WriteStereo queues one frame of each side; a mono recorder mixes them.
func (r *Recorder) WriteStereo(left, right []int16) {
	var fr recFrame
	n := min(len(left), len(right), FrameSamples)
	if r.channels == 1 {
		for i := range n {
			fr.s[i] = sat16(int32(left[i]) + int32(right[i]))
		}
		fr.n = n
	} else {
		for i := range n {
			fr.s[2*i], fr.s[2*i+1] = left[i], right[i]
		}
		fr.n = 2 * n
	}
	r.queue(&fr)
}

// quietLevel is the peak below which a frame counts as silence (about
// -45 dBm0: line noise, not speech).
const quietLevel = 200

func (r *Recorder) queue(fr *recFrame) {
	peak := int16(0)
	for _, v := range fr.s[:fr.n] {
		peak = max(peak, v, -max(v, -32767))
	}
	if peak >= quietLevel {
		r.quiet.Store(0)
	} else {
		r.quiet.Add(1)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	select {
	case r.ch <- *fr:
		r.frames.Add(1)
	default:
		r.dropped.Add(1)
	}
}

// Duration is how much audio has been queued so far.
func (r *Recorder) Duration() time.Duration { return time.Duration(r.frames.Load()) * frameTime }

// Quiet is how long the audio has stayed below speech level.
func (r *Recorder) Quiet() time.Duration { return time.Duration(r.quiet.Load()) * frameTime }

// Dropped counts frames lost to a disk that fell behind.
func (r *Recorder) Dropped() int64 { return r.dropped.Load() }

// Close writes what is queued, completes the WAV header and closes the
// file; it returns the recorded duration and the first error. Idempotent.
func (r *Recorder) Close() (time.Duration, error) {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.ch)
	}
	r.mu.Unlock()
	<-r.done
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f != nil {
		if err := r.w.Close(); err != nil && r.err == nil {
			r.err = err
		}
		if err := r.f.Close(); err != nil && r.err == nil {
			r.err = err
		}
		r.f = nil
	}
	return r.Duration(), r.err
}

func sat16(v int32) int16 {
	return int16(max(-32768, min(32767, v)))
}

// recorders is a set of recorders fed the same frames (an endpoint's, a
// room's); its owner's lock guards it.
type recorders []*Recorder

func (rs *recorders) add(r *Recorder) { *rs = append(*rs, r) }

func (rs *recorders) remove(r *Recorder) {
	for i, x := range *rs {
		if x == r {
			*rs = append((*rs)[:i], (*rs)[i+1:]...)
			return
		}
	}
}
