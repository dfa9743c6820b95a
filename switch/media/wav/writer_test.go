package wav

import (
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriterRoundTrip(t *testing.T) {
	for _, channels := range []int{1, 2} {
		var f memFile
		w, err := NewWriter(&f, 8000, channels)
		if err != nil {
			t.Fatal(err)
		}
		all := sine(channels*8000, 8000*channels, 440, 9000)
		for i := 0; i < len(all); i += 160 * channels { // 20 ms frames
			if err := w.Write(all[i:min(i+160*channels, len(all))]); err != nil {
				t.Fatal(err)
			}
		}
		if w.Samples() != 8000 {
			t.Errorf("Samples() = %d, want 8000", w.Samples())
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if got, want := binary.LittleEndian.Uint32(f.buf[4:]), uint32(36+2*len(all)); got != want {
			t.Errorf("riff size %d, want %d", got, want)
		}
		if got, want := binary.LittleEndian.Uint32(f.buf[40:]), uint32(2*len(all)); got != want {
			t.Errorf("data size %d, want %d", got, want)
		}
		if f.off != int64(len(f.buf)) {
			t.Errorf("left at offset %d, want the end %d", f.off, len(f.buf))
		}
		pcm, fm, err := Decode(f.buf)
		if err != nil {
			t.Fatal(err)
		}
		if fm != (Format{Rate: 8000, Channels: channels, Encoding: PCM16}) {
			t.Errorf("format %+v", fm)
		}
		equal16(t, pcm, all)
	}
}

// A recorder that dies before Close leaves a file with sizes 0: everything
// flushed so far must still decode.
func TestWriterUnclosedDecodes(t *testing.T) {
	var f memFile
	w, err := NewWriter(&f, 8000, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Decode(f.buf); err != nil {
		t.Fatalf("header alone: %v", err)
	}
	all := sine(20000, 8000, 1000, 5000)
	for i := 0; i < len(all); i += 160 {
		if err := w.Write(all[i : i+160]); err != nil {
			t.Fatal(err)
		}
	}
	pcm, _, err := Decode(f.buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(pcm) < len(all)-writerBuffer/2 || len(pcm) > len(all) {
		t.Fatalf("decoded %d samples of %d written with a %d-byte buffer", len(pcm), len(all), writerBuffer)
	}
	equal16(t, pcm, all[:len(pcm)])
}

func TestWriterAtOffset(t *testing.T) {
	f := memFile{buf: []byte("prefix--")}
	f.off = 8
	w, err := NewWriter(&f, 16000, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]int16{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if string(f.buf[:8]) != "prefix--" {
		t.Fatalf("prefix overwritten: %q", f.buf[:8])
	}
	pcm, _, err := Decode(f.buf[8:])
	if err != nil {
		t.Fatal(err)
	}
	equal16(t, pcm, []int16{1, 2, 3})
}

func TestWriterFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rec.wav")
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	w, err := NewWriter(fh, 8000, 2)
	if err != nil {
		t.Fatal(err)
	}
	frame := make([]int16, 320)
	for i := range frame {
		frame[i] = int16(i * 100)
	}
	for range 100 {
		if err := w.Write(frame); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pcm, f, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if f.Channels != 2 || len(pcm) != 32000 || pcm[319] != 31900 {
		t.Fatalf("decoded %d samples, %+v", len(pcm), f)
	}
}

func TestWriterErrors(t *testing.T) {
	var f memFile
	for _, c := range []struct{ rate, channels int }{{0, 1}, {192001, 1}, {8000, 0}, {8000, 9}} {
		if _, err := NewWriter(&f, c.rate, c.channels); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%+v: %v, want ErrUnsupported", c, err)
		}
	}
	w, err := NewWriter(&f, 8000, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]int16{1, 2, 3}); !errors.Is(err, ErrMalformed) {
		t.Errorf("partial frame: %v, want ErrMalformed", err)
	}
	if w.Samples() != 0 {
		t.Errorf("Samples() = %d after a refused write", w.Samples())
	}
	w.bytes = maxDataBytes - 2
	if err := w.Write([]int16{1, 2}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("past 4 GiB: %v, want ErrTooLarge", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]int16{1, 2}); !errors.Is(err, ErrClosed) {
		t.Errorf("write after close: %v, want ErrClosed", err)
	}
	if err := w.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second close: %v, want ErrClosed", err)
	}
}

// failFile accepts limit bytes, then fails every write.
type failFile struct {
	memFile
	limit int
}

var errDiskFull = errors.New("disk full")

func (f *failFile) Write(p []byte) (int, error) {
	if len(f.buf)+len(p) > f.limit {
		return 0, errDiskFull
	}
	return f.memFile.Write(p)
}

func TestWriterWriteFailure(t *testing.T) {
	if _, err := NewWriter(&failFile{limit: 10}, 8000, 1); !errors.Is(err, errDiskFull) {
		t.Fatalf("header write: %v, want errDiskFull", err)
	}
	f := &failFile{limit: 20000}
	w, err := NewWriter(f, 8000, 1)
	if err != nil {
		t.Fatal(err)
	}
	frame := make([]int16, 160)
	var werr error
	for range 200 {
		if werr = w.Write(frame); werr != nil {
			break
		}
	}
	if !errors.Is(werr, errDiskFull) {
		t.Fatalf("got %v, want errDiskFull", werr)
	}
	if err := w.Write(frame); !errors.Is(err, errDiskFull) {
		t.Errorf("error not sticky: %v", err)
	}
	if err := w.Close(); !errors.Is(err, errDiskFull) {
		t.Errorf("close: %v, want errDiskFull", err)
	}
}

// seekFail fails Seek, as a pipe would.
type seekFail struct{ io.Writer }

func (seekFail) Seek(int64, int) (int64, error) { return 0, errors.New("illegal seek") }

func TestWriterUnseekable(t *testing.T) {
	if _, err := NewWriter(seekFail{io.Discard}, 8000, 1); err == nil {
		t.Fatal("NewWriter on an unseekable writer: want an error")
	}
}

func TestWriterWriteAllocs(t *testing.T) {
	w, err := NewWriter(&discardSeeker{}, 8000, 1)
	if err != nil {
		t.Fatal(err)
	}
	frame := sine(160, 8000, 440, 1000)
	if n := testing.AllocsPerRun(1000, func() { _ = w.Write(frame) }); n != 0 {
		t.Fatalf("Write allocates %v times per frame, want 0", n)
	}
}

// discardSeeker throws bytes away and pretends to seek.
type discardSeeker struct{ n int64 }

func (d *discardSeeker) Write(p []byte) (int, error)    { d.n += int64(len(p)); return len(p), nil }
func (d *discardSeeker) Seek(int64, int) (int64, error) { return d.n, nil }
