package tone

import (
	"errors"
	"testing"
	"time"
)

func TestDTMF(t *testing.T) {
	all := []float64{697, 770, 852, 941, 1209, 1336, 1477, 1633}
	for _, c := range []struct {
		digit     byte
		low, high float64
	}{
		{'1', 697, 1209}, {'2', 697, 1336}, {'3', 697, 1477}, {'A', 697, 1633},
		{'4', 770, 1209}, {'5', 770, 1336}, {'6', 770, 1477}, {'B', 770, 1633},
		{'7', 852, 1209}, {'8', 852, 1336}, {'9', 852, 1477}, {'C', 852, 1633},
		{'*', 941, 1209}, {'0', 941, 1336}, {'#', 941, 1477}, {'D', 941, 1633},
		{'d', 941, 1633},
	} {
		tn, err := DTMF(c.digit, 100*time.Millisecond, 50*time.Millisecond)
		if err != nil {
			t.Fatalf("%c: %v", c.digit, err)
		}
		if tn.Repeats() {
			t.Errorf("%c repeats", c.digit)
		}
		x := make([]int16, 2000)
		if n := NewGenerator(tn, 8000).Read(x); n != 1200 {
			t.Fatalf("%c: %d samples, want 800 on + 400 off", c.digit, n)
		}
		var others []float64
		for _, f := range all {
			if f != c.low && f != c.high {
				others = append(others, f)
			}
		}
		assertOnly(t, x[:800], 8000, []float64{c.low, c.high}, 6500, others)
		if rms(x[800:1200]) != 0 {
			t.Errorf("%c: off time is not silent", c.digit)
		}
	}
}

func TestDTMFNoOffTime(t *testing.T) {
	tn, err := DTMF('5', 40*time.Millisecond, 0)
	if err != nil || len(tn.Parts) != 1 {
		t.Fatalf("got %v, %v: want one part", tn, err)
	}
	if n := NewGenerator(tn, 16000).Read(make([]int16, 1000)); n != 640 {
		t.Fatalf("%d samples, want 640", n)
	}
}

func TestDTMFErrors(t *testing.T) {
	for _, c := range []struct {
		digit   byte
		on, off time.Duration
	}{
		{'E', time.Second, 0}, {'x', time.Second, 0}, {0, time.Second, 0},
		{'1', 0, 0}, {'1', -time.Second, 0}, {'1', 2 * time.Hour, 0},
		{'1', time.Second, -1}, {'1', time.Second, 2 * time.Hour},
	} {
		if _, err := DTMF(c.digit, c.on, c.off); !errors.Is(err, ErrBadDTMF) {
			t.Errorf("%q %v %v: %v, want ErrBadDTMF", c.digit, c.on, c.off, err)
		}
	}
}
