package e2e

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

const (
	wavFormatPCM     = 1
	wavBitsPerSample = 16
	wavHeaderSize    = 44
	// maxWAVSamples bounds what ReadWAV accepts (about 35 minutes at
	// 8 kHz) so a corrupt size field cannot make it allocate gigabytes.
	maxWAVSamples = 1 << 24
)

// WriteWAV writes samples as a canonical 44-byte-header WAV file: PCM,
// 16-bit little-endian, mono, at the given sample rate.
func WriteWAV(w io.Writer, rate int, samples []int16) error {
	if rate <= 0 {
		return fmt.Errorf("write wav: sample rate %d: %w", rate, ErrInvalidArgument)
	}
	dataLen := uint32(len(samples) * 2)
	var h [wavHeaderSize]byte
	copy(h[0:], "RIFF")
	binary.LittleEndian.PutUint32(h[4:], 36+dataLen)
	copy(h[8:], "WAVE")
	copy(h[12:], "fmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], wavFormatPCM)
	binary.LittleEndian.PutUint16(h[22:], 1)
	binary.LittleEndian.PutUint32(h[24:], uint32(rate))
	binary.LittleEndian.PutUint32(h[28:], uint32(rate*2))
	binary.LittleEndian.PutUint16(h[32:], 2)
	binary.LittleEndian.PutUint16(h[34:], wavBitsPerSample)
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], dataLen)
	bw := bufio.NewWriter(w)
	if _, err := bw.Write(h[:]); err != nil {
		return fmt.Errorf("write wav header: %w", err)
	}
	var b [2]byte
	for _, s := range samples {
		binary.LittleEndian.PutUint16(b[:], uint16(s))
		if _, err := bw.Write(b[:]); err != nil {
			return fmt.Errorf("write wav data: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write wav: %w", err)
	}
	return nil
}

// WriteWAVFile writes samples to path with WriteWAV.
func WriteWAVFile(path string, rate int, samples []int16) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write wav file: %w", err)
	}
	if err := WriteWAV(f, rate, samples); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write wav file: %w", err)
	}
	return nil
}

// ReadWAV reads a 16-bit mono PCM WAV file and returns its sample rate and
// samples. It skips unknown chunks, and reads the data chunk up to EOF when
// its size field is zero or too large: a recorder killed before it could
// patch the header (baresip's sndfile) still yields its audio.
func ReadWAV(r io.Reader) (rate int, samples []int16, err error) {
	br := bufio.NewReader(r)
	var riff [12]byte
	if _, err := io.ReadFull(br, riff[:]); err != nil {
		return 0, nil, fmt.Errorf("read wav header: %w", ErrNotWAV)
	}
	if string(riff[0:4]) != "RIFF" || string(riff[8:12]) != "WAVE" {
		return 0, nil, fmt.Errorf("read wav header: %w", ErrNotWAV)
	}
	haveFmt := false
	for {
		var ch [8]byte
		if _, err := io.ReadFull(br, ch[:]); err != nil {
			return 0, nil, fmt.Errorf("read wav: no data chunk: %w", ErrNotWAV)
		}
		id := string(ch[0:4])
		size := binary.LittleEndian.Uint32(ch[4:])
		switch id {
		case "fmt ":
			if size < 16 || size > 1024 {
				return 0, nil, fmt.Errorf("read wav: fmt chunk size %d: %w", size, ErrUnsupportedWAV)
			}
			buf := make([]byte, size+size%2)
			if _, err := io.ReadFull(br, buf); err != nil {
				return 0, nil, fmt.Errorf("read wav fmt chunk: %w", err)
			}
			format := binary.LittleEndian.Uint16(buf[0:])
			channels := binary.LittleEndian.Uint16(buf[2:])
			sr := binary.LittleEndian.Uint32(buf[4:])
			bits := binary.LittleEndian.Uint16(buf[14:])
			if format != wavFormatPCM || channels != 1 || bits != wavBitsPerSample || sr == 0 || sr > 384000 {
				return 0, nil, fmt.Errorf("read wav: format %d, %d channels, %d bits, %d Hz: %w",
					format, channels, bits, sr, ErrUnsupportedWAV)
			}
			rate = int(sr)
			haveFmt = true
		case "data":
			if !haveFmt {
				return 0, nil, fmt.Errorf("read wav: data before fmt: %w", ErrNotWAV)
			}
			samples, err = readPCM16(br, size)
			if err != nil {
				return 0, nil, err
			}
			return rate, samples, nil
		default:
			if _, err := io.CopyN(io.Discard, br, int64(size)+int64(size%2)); err != nil {
				return 0, nil, fmt.Errorf("read wav: skip chunk %q: %w", id, err)
			}
		}
	}
}

// readPCM16 reads little-endian 16-bit samples: size bytes, or up to EOF
// when size is 0 or larger than what is left.
func readPCM16(r io.Reader, size uint32) ([]int16, error) {
	limit := int64(maxWAVSamples * 2)
	if size != 0 && int64(size) < limit {
		limit = int64(size)
	}
	samples := make([]int16, 0, min(limit/2, 1<<16))
	var b [2]byte
	lr := io.LimitReader(r, limit)
	for {
		_, err := io.ReadFull(lr, b[:])
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return samples, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read wav data: %w", err)
		}
		samples = append(samples, int16(binary.LittleEndian.Uint16(b[:])))
	}
}

// ReadWAVFile reads path with ReadWAV.
func ReadWAVFile(path string) (rate int, samples []int16, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, nil, fmt.Errorf("read wav file: %w", err)
	}
	defer f.Close()
	rate, samples, err = ReadWAV(f)
	if err != nil {
		return 0, nil, fmt.Errorf("%s: %w", path, err)
	}
	return rate, samples, nil
}
