package recording

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// WAV header limits: the chunks before "data" (LIST, fact, bext...) are
// skipped, up to these bounds, so a hostile file cannot make the reader
// walk gigabytes.
const (
	maxWAVChunks      = 32
	maxWAVHeaderBytes = 64 << 10
	maxFmtChunk       = 1024
)

// WAV format tags (RFC 2361).
const (
	wavPCM        = 1
	wavExtensible = 0xFFFE
)

var wavFormatNames = map[uint16]string{1: "PCM", 2: "ADPCM", 3: "IEEE float", 6: "A-law", 7: "µ-law", 0x11: "IMA ADPCM", 0x55: "MP3", wavExtensible: "extensible"}

// WAVInfo describes a WAV file's audio: 16-bit PCM, mono or stereo, 8 or
// 16 kHz (what the media layer writes and plays).
type WAVInfo struct {
	Channels   int
	SampleRate int
	DataOffset int64 // where the samples start
	DataBytes  int64 // bytes of samples, clamped to the file's size
}

// Duration is the audio's length: data size over byte rate.
func (w WAVInfo) Duration() time.Duration {
	rate := int64(w.SampleRate) * int64(w.Channels) * 2
	if rate <= 0 || w.DataBytes <= 0 {
		return 0
	}
	return time.Duration(w.DataBytes/rate)*time.Second + time.Duration(w.DataBytes%rate)*time.Second/time.Duration(rate)
}

// ReadWAVInfo parses a WAV header up to the start of its samples. size is
// the file's size (the data chunk is clamped to it; a streaming writer's
// 0 or 0xFFFFFFFF size means "to the end"), or -1 when unknown.
func ReadWAVInfo(r io.Reader, size int64) (WAVInfo, error) {
	var info WAVInfo
	var hdr [12]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return info, fmt.Errorf("wav: header: %w", eofIsShort(err))
	}
	if string(hdr[0:4]) != "RIFF" || string(hdr[8:12]) != "WAVE" {
		return info, errors.New("wav: not a RIFF WAVE file")
	}
	off := int64(12)
	haveFmt := false
	for range maxWAVChunks {
		var ch [8]byte
		if _, err := io.ReadFull(r, ch[:]); err != nil {
			return info, fmt.Errorf("wav: no data chunk: %w", eofIsShort(err))
		}
		off += 8
		id, n := string(ch[0:4]), int64(binary.LittleEndian.Uint32(ch[4:8]))
		switch id {
		case "fmt ":
			if n < 16 || n > maxFmtChunk {
				return info, fmt.Errorf("wav: fmt chunk of %d bytes: want 16 to %d", n, maxFmtChunk)
			}
			buf := make([]byte, n+n&1)
			if _, err := io.ReadFull(r, buf); err != nil {
				return info, fmt.Errorf("wav: fmt chunk: %w", eofIsShort(err))
			}
			off += int64(len(buf))
			if err := parseFmt(buf[:n], &info); err != nil {
				return info, err
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return info, errors.New("wav: data chunk before fmt chunk")
			}
			info.DataOffset = off
			if size >= 0 {
				rest := max(size-off, 0)
				if n == 0 || n == 0xFFFFFFFF || n > rest {
					n = rest
				}
			}
			info.DataBytes = n - n%int64(info.Channels*2) // whole sample frames only
			return info, nil
		default:
			skip := n + n&1 // chunks are padded to even sizes
			if off+skip > maxWAVHeaderBytes {
				return info, fmt.Errorf("wav: more than %d bytes before the data chunk", maxWAVHeaderBytes)
			}
			if _, err := io.CopyN(io.Discard, r, skip); err != nil {
				return info, fmt.Errorf("wav: chunk %q: %w", id, eofIsShort(err))
			}
			off += skip
		}
		if off > maxWAVHeaderBytes {
			return info, fmt.Errorf("wav: more than %d bytes before the data chunk", maxWAVHeaderBytes)
		}
	}
	return info, fmt.Errorf("wav: no data chunk in the first %d chunks", maxWAVChunks)
}

// parseFmt checks a fmt chunk (RIFF WAVEFORMATEX, and
// WAVEFORMATEXTENSIBLE with a PCM sub-format).
func parseFmt(b []byte, info *WAVInfo) error {
	le := binary.LittleEndian
	format := le.Uint16(b[0:2])
	channels := int(le.Uint16(b[2:4]))
	rate := le.Uint32(b[4:8])
	byteRate := le.Uint32(b[8:12])
	align := int(le.Uint16(b[12:14]))
	bits := int(le.Uint16(b[14:16]))
	if format == wavExtensible {
		// cbSize(2) validBits(2) channelMask(4), then the sub-format GUID
		// whose first two bytes are the format tag.
		if len(b) < 40 {
			return fmt.Errorf("wav: extensible fmt chunk of %d bytes: want 40", len(b))
		}
		format = le.Uint16(b[24:26])
	}
	if format != wavPCM {
		name := wavFormatNames[format]
		if name == "" {
			name = "unknown"
		}
		return fmt.Errorf("wav: format %d (%s) not supported: want 16-bit PCM", format, name)
	}
	switch {
	case bits != 16:
		return fmt.Errorf("wav: %d-bit samples not supported: want 16-bit PCM", bits)
	case channels != 1 && channels != 2:
		return fmt.Errorf("wav: %d channels not supported: want 1 or 2", channels)
	case rate != 8000 && rate != 16000:
		return fmt.Errorf("wav: sample rate %d Hz not supported: want 8000 or 16000", rate)
	case align != channels*2 || byteRate != rate*uint32(align):
		return fmt.Errorf("wav: inconsistent header: block align %d and byte rate %d for %d channels at %d Hz", align, byteRate, channels, rate)
	}
	info.Channels, info.SampleRate = channels, int(rate)
	return nil
}

func eofIsShort(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// StatWAV reads the header of the WAV file at path, and its size. Errors
// name the file by its base name only (see TrimPaths).
func StatWAV(path string) (WAVInfo, int64, error) {
	info, size, err := statWAV(path)
	if err != nil {
		return WAVInfo{}, 0, TrimPaths(err)
	}
	return info, size, nil
}

func statWAV(path string) (WAVInfo, int64, error) {
	// Lstat first: opening a FIFO would block, a symlink could lead out.
	if fi, err := os.Lstat(path); err != nil {
		return WAVInfo{}, 0, err
	} else if !fi.Mode().IsRegular() {
		return WAVInfo{}, 0, fmt.Errorf("%s: not a regular file", filepath.Base(path))
	}
	f, err := os.Open(path)
	if err != nil {
		return WAVInfo{}, 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return WAVInfo{}, 0, err
	}
	info, err := ReadWAVInfo(f, fi.Size())
	if err != nil {
		return WAVInfo{}, 0, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return info, fi.Size(), nil
}

// AppendWAVHeader appends a 44-byte header for dataBytes of 16-bit PCM
// (tests, tools and writers that know the size up front).
func AppendWAVHeader(b []byte, channels, sampleRate int, dataBytes uint32) []byte {
	le := binary.LittleEndian
	b = append(b, "RIFF"...)
	b = le.AppendUint32(b, 36+dataBytes)
	b = append(b, "WAVEfmt "...)
	b = le.AppendUint32(b, 16)
	b = le.AppendUint16(b, wavPCM)
	b = le.AppendUint16(b, uint16(channels))
	b = le.AppendUint32(b, uint32(sampleRate))
	b = le.AppendUint32(b, uint32(sampleRate*channels*2))
	b = le.AppendUint16(b, uint16(channels*2))
	b = le.AppendUint16(b, 16)
	b = append(b, "data"...)
	return le.AppendUint32(b, dataBytes)
}
