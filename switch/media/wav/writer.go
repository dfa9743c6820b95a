package wav

import (
	"bufio"
	"encoding/binary"
	"io"
)

// writerBuffer holds about a quarter second of 8 kHz stereo between writes
// to disk; a recorder calls Write every 20 ms.
const writerBuffer = 8 << 10

// Writer streams 16-bit PCM to a WAV file. It writes the header first with
// sizes 0 ("unknown"), so a file whose Close never ran still decodes to
// everything that reached the disk; Close patches the real sizes. A Writer
// is not safe for concurrent use.
type Writer struct {
	ws       io.WriteSeeker
	bw       *bufio.Writer
	start    int64 // offset of the header in ws
	channels int
	frames   int64
	bytes    int64
	closed   bool
	err      error // sticky: the first write error
}

// NewWriter writes a 16-bit PCM header at the current offset of w and
// returns a Writer for rate Hz and channels interleaved channels. Closing
// the Writer does not close w.
func NewWriter(w io.WriteSeeker, rate, channels int) (*Writer, error) {
	if rate < MinRate || rate > MaxRate {
		return nil, errorf(ErrUnsupported, "rate %d Hz not supported: want %d to %d", rate, MinRate, MaxRate)
	}
	if channels < MinChannels || channels > MaxChannels {
		return nil, errorf(ErrUnsupported, "%d channels not supported: want %d to %d", channels, MinChannels, MaxChannels)
	}
	start, err := w.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, errorf(err, "writer: find offset: %v", err)
	}
	h := header(rate, channels, 0, 0)
	if _, err := w.Write(h[:]); err != nil {
		return nil, errorf(err, "writer: write header: %v", err)
	}
	return &Writer{ws: w, bw: bufio.NewWriterSize(w, writerBuffer), start: start, channels: channels}, nil
}

// Write appends interleaved samples, a whole number of frames. It does not
// allocate.
func (w *Writer) Write(interleaved []int16) error {
	switch {
	case w.closed:
		return ErrClosed
	case w.err != nil:
		return w.err
	case len(interleaved)%w.channels != 0:
		return errorf(ErrMalformed, "write of %d samples is not a whole number of %d-channel frames", len(interleaved), w.channels)
	case w.bytes+2*int64(len(interleaved)) > maxDataBytes:
		return errorf(ErrTooLarge, "recording would exceed the 4 GiB RIFF limit")
	}
	for s := interleaved; len(s) > 0; {
		buf := w.bw.AvailableBuffer()
		if cap(buf) < 2 {
			if err := w.bw.Flush(); err != nil {
				w.err = errorf(err, "write: %v", err)
				return w.err
			}
			continue
		}
		n := min(len(s), cap(buf)/2)
		for _, v := range s[:n] {
			buf = binary.LittleEndian.AppendUint16(buf, uint16(v))
		}
		if _, err := w.bw.Write(buf); err != nil {
			w.err = errorf(err, "write: %v", err)
			return w.err
		}
		s = s[n:]
	}
	w.frames += int64(len(interleaved) / w.channels)
	w.bytes += 2 * int64(len(interleaved))
	return nil
}

// Samples returns the number of frames written so far (samples per
// channel).
func (w *Writer) Samples() int64 { return w.frames }

// Close flushes the buffer, writes the RIFF and data sizes into the header
// and leaves w positioned at the end of the file. Later calls to Write and
// Close return ErrClosed.
func (w *Writer) Close() error {
	if w.closed {
		return ErrClosed
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	if err := w.bw.Flush(); err != nil {
		return errorf(err, "close: flush: %v", err)
	}
	var size [4]byte
	patch := func(off int64, v uint32) error {
		if _, err := w.ws.Seek(w.start+off, io.SeekStart); err != nil {
			return err
		}
		binary.LittleEndian.PutUint32(size[:], v)
		_, err := w.ws.Write(size[:])
		return err
	}
	if err := patch(4, uint32(36+w.bytes)); err != nil {
		return errorf(err, "close: patch riff size: %v", err)
	}
	if err := patch(40, uint32(w.bytes)); err != nil {
		return errorf(err, "close: patch data size: %v", err)
	}
	if _, err := w.ws.Seek(0, io.SeekEnd); err != nil {
		return errorf(err, "close: seek to end: %v", err)
	}
	return nil
}
