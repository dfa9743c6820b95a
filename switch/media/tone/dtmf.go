package tone

import "time"

// dtmfRows and dtmfCols are the ITU-T Q.23 low and high groups.
var (
	dtmfRows = [4]int{697, 770, 852, 941}
	dtmfCols = [4]int{1209, 1336, 1477, 1633}
)

// dtmfKeys lays out the keypad: row, column.
const dtmfKeys = "123A456B789C*0#D"

// DTMF returns the in-band tone of one key, 0-9 * # A-D (a-d accepted),
// played once: the two frequencies for on, then silence for off (none if
// off is 0). Each frequency is at DTMFLevel.
func DTMF(digit byte, on, off time.Duration) (Tone, error) {
	if digit >= 'a' && digit <= 'd' {
		digit -= 'a' - 'A'
	}
	key := -1
	for i := range len(dtmfKeys) {
		if dtmfKeys[i] == digit {
			key = i
		}
	}
	switch {
	case key < 0:
		return Tone{}, errorf(ErrBadDTMF, "digit %q: want 0-9, *, #, A-D", digit)
	case on <= 0 || on > MaxDuration:
		return Tone{}, errorf(ErrBadDTMF, "on time %v out of range: want above 0 and up to %v", on, MaxDuration)
	case off < 0 || off > MaxDuration:
		return Tone{}, errorf(ErrBadDTMF, "off time %v out of range: want 0 to %v", off, MaxDuration)
	}
	t := Tone{Parts: []Part{{Freq1: dtmfRows[key/4], Freq2: dtmfCols[key%4], Duration: on, Level: DTMFLevel, Once: true}}}
	if off > 0 {
		t.Parts = append(t.Parts, Part{Duration: off, Once: true})
	}
	return t, nil
}
