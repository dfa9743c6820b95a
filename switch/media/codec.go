package media

import "strings"

// Codec is one payload format of a media stream.
type Codec struct {
	PT   int    // RTP payload type, 0-127
	Name string // encoding name as the SDP spells it ("PCMU", "telephone-event"); "" if unknown
	Rate int    // RTP clock rate in Hz; 0 if unknown
}

// staticCodecs are the static audio payload types of RFC 3551 section 6
// that an SDP may use without an a=rtpmap line.
var staticCodecs = map[int]Codec{
	0:  {0, "PCMU", 8000},
	3:  {3, "GSM", 8000},
	4:  {4, "G723", 8000},
	5:  {5, "DVI4", 8000},
	6:  {6, "DVI4", 16000},
	7:  {7, "LPC", 8000},
	8:  {8, "PCMA", 8000},
	9:  {9, "G722", 8000}, // RFC 3551 4.5.2: clock 8000 although sampled at 16 kHz
	10: {10, "L16", 44100},
	11: {11, "L16", 44100},
	12: {12, "QCELP", 8000},
	13: {13, "CN", 8000},
	14: {14, "MPA", 90000},
	15: {15, "G728", 8000},
	16: {16, "DVI4", 11025},
	17: {17, "DVI4", 22050},
	18: {18, "G729", 8000},
}

// relayedAudio reports whether c is an audio codec we relay on every leg
// (SPEC M2): PCMU, PCMA or G722 at their 8000 Hz RTP clock.
func (c Codec) relayedAudio() bool {
	if c.Rate != 8000 {
		return false
	}
	return strings.EqualFold(c.Name, "PCMU") || strings.EqualFold(c.Name, "PCMA") ||
		strings.EqualFold(c.Name, "G722")
}

// telephoneEvent reports whether c carries RFC 4733 events.
func (c Codec) telephoneEvent() bool {
	return strings.EqualFold(c.Name, "telephone-event")
}
