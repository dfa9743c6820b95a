package wav

import (
	"bytes"
	"encoding/binary"
)

// Format tags of the fmt chunk (mmreg.h).
const (
	tagPCM        = 0x0001
	tagAlaw       = 0x0006
	tagUlaw       = 0x0007
	tagExtensible = 0xFFFE
)

// ksGUIDTail is the part of a KSDATAFORMAT_SUBTYPE_* GUID after its first
// two bytes, which hold the classic format tag.
var ksGUIDTail = []byte{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}

// tagNames names the formats people most often try, so the error says what
// the file is rather than a number.
var tagNames = map[uint16]string{
	0x0002: "Microsoft ADPCM",
	0x0003: "IEEE float",
	0x0011: "IMA ADPCM",
	0x0031: "GSM 6.10",
	0x0040: "G.721 ADPCM",
	0x0050: "MPEG",
	0x0055: "MPEG layer 3",
	0x0064: "G.726 ADPCM",
	0x0065: "G.722 ADPCM",
	0x0161: "Windows Media Audio",
	0x1610: "AAC",
}

// Decode parses a RIFF/WAVE file and returns its samples as interleaved
// signed 16-bit PCM with the file's format. It accepts 16-bit and 8-bit PCM
// and 8-bit μ-law and A-law, plain or WAVE_FORMAT_EXTENSIBLE; chunks may come
// in any order, odd-sized chunks are padded as RIFF requires, and chunks it
// does not need (LIST, fact, cue, ds64 ...) are skipped.
func Decode(data []byte) (pcm []int16, f Format, err error) {
	if len(data) > MaxSize {
		return nil, Format{}, errorf(ErrTooLarge, "%d bytes exceed the %d MiB limit", len(data), MaxSize>>20)
	}
	if len(data) < 12 {
		return nil, Format{}, errorf(ErrMalformed, "%d bytes: too short for a RIFF header", len(data))
	}
	switch string(data[:4]) {
	case "RIFF", "RF64": // RF64 differs only by sizes in ds64, which we do not need
	case "RIFX":
		return nil, Format{}, errorf(ErrUnsupported, "big-endian RIFX not supported: want little-endian RIFF")
	default:
		return nil, Format{}, errorf(ErrNotWAV, "starts with %q, not RIFF", data[:4])
	}
	if string(data[8:12]) != "WAVE" {
		return nil, Format{}, errorf(ErrNotWAV, "RIFF form is %q, not WAVE", data[8:12])
	}
	// The RIFF size is ignored: streaming writers leave it 0 or 0xFFFFFFFF
	// and others get it wrong; the chunks themselves are what count.
	fmtBody, audio, err := chunks(data[12:])
	if err != nil {
		return nil, Format{}, err
	}
	f, err = parseFmt(fmtBody)
	if err != nil {
		return nil, Format{}, err
	}
	return samples(audio, f), f, nil
}

// chunks walks the chunk list until it has both the fmt body and the
// audio, whatever their order.
func chunks(b []byte) (fmtBody, audio []byte, err error) {
	var haveFmt, haveData bool
	for len(b) >= 8 && !(haveFmt && haveData) {
		id := string(b[:4])
		size := int64(binary.LittleEndian.Uint32(b[4:8]))
		body := b[8:]
		if id == "data" && !haveData {
			haveData = true
			// Size 0 or 0xFFFFFFFF is what a streaming writer (or a
			// recorder that never closed) leaves: the data runs to the end
			// of the file, as ffmpeg reads it. A size beyond the end is a
			// truncated file: keep what is there.
			if size == 0 || size == 0xFFFFFFFF || size > int64(len(body)) {
				audio, b = body, nil
				continue
			}
			audio = body[:size]
		} else {
			if size > int64(len(body)) {
				if id == "fmt " && !haveFmt {
					return nil, nil, errorf(ErrMalformed, "fmt chunk claims %d bytes, %d left", size, len(body))
				}
				break // trailing garbage or a cut-off chunk we do not need
			}
			if id == "fmt " && !haveFmt {
				haveFmt, fmtBody = true, body[:size]
			}
		}
		b = body[size:]
		if size&1 == 1 && len(b) > 0 { // RIFF pads odd chunks to even
			b = b[1:]
		}
	}
	switch {
	case !haveFmt:
		return nil, nil, errorf(ErrMalformed, "no fmt chunk")
	case !haveData:
		return nil, nil, errorf(ErrMalformed, "no data chunk")
	}
	return fmtBody, audio, nil
}

func parseFmt(b []byte) (Format, error) {
	if len(b) < 16 {
		return Format{}, errorf(ErrMalformed, "fmt chunk is %d bytes: want at least 16", len(b))
	}
	tag := binary.LittleEndian.Uint16(b[0:2])
	channels := int(binary.LittleEndian.Uint16(b[2:4]))
	rate := int64(binary.LittleEndian.Uint32(b[4:8]))
	bits := int(binary.LittleEndian.Uint16(b[14:16]))
	if tag == tagExtensible {
		if len(b) < 40 {
			return Format{}, errorf(ErrMalformed, "extensible fmt chunk is %d bytes: want 40", len(b))
		}
		if !bytes.Equal(b[26:40], ksGUIDTail) {
			return Format{}, errorf(ErrUnsupported, "extensible subformat %x not supported: want PCM, mu-law or A-law", b[24:40])
		}
		tag = binary.LittleEndian.Uint16(b[24:26])
	}
	if channels < MinChannels || channels > MaxChannels {
		return Format{}, errorf(ErrUnsupported, "%d channels not supported: want %d to %d", channels, MinChannels, MaxChannels)
	}
	if rate < MinRate || rate > MaxRate {
		return Format{}, errorf(ErrUnsupported, "rate %d Hz not supported: want %d to %d", rate, MinRate, MaxRate)
	}
	f := Format{Rate: int(rate), Channels: channels}
	switch tag {
	case tagPCM:
		switch bits {
		case 16:
			f.Encoding = PCM16
		case 8:
			f.Encoding = PCM8
		default:
			return Format{}, errorf(ErrUnsupported, "%d-bit PCM not supported: want 16-bit or 8-bit", bits)
		}
	case tagUlaw, tagAlaw:
		name, enc := "mu-law", Ulaw
		if tag == tagAlaw {
			name, enc = "A-law", Alaw
		}
		if bits != 8 {
			return Format{}, errorf(ErrUnsupported, "%d-bit %s not supported: want 8-bit", bits, name)
		}
		f.Encoding = enc
	default:
		if name, ok := tagNames[tag]; ok {
			return Format{}, errorf(ErrUnsupported, "format %d (%s) not supported: want PCM, mu-law or A-law", tag, name)
		}
		return Format{}, errorf(ErrUnsupported, "format 0x%04x not supported: want PCM, mu-law or A-law", tag)
	}
	return f, nil
}

// samples converts whole frames of audio to 16-bit PCM; a partial last
// frame (a cut-off file) is dropped.
func samples(audio []byte, f Format) []int16 {
	width := 1
	if f.Encoding == PCM16 {
		width = 2
	}
	frame := width * f.Channels
	n := len(audio) / frame * f.Channels
	pcm := make([]int16, n)
	switch f.Encoding {
	case PCM16:
		for i := range pcm {
			pcm[i] = int16(binary.LittleEndian.Uint16(audio[2*i:]))
		}
	case PCM8:
		for i := range pcm {
			pcm[i] = (int16(audio[i]) - 128) << 8
		}
	case Ulaw:
		for i := range pcm {
			pcm[i] = ulawToLinear[audio[i]]
		}
	case Alaw:
		for i := range pcm {
			pcm[i] = alawToLinear[audio[i]]
		}
	}
	return pcm
}
