package dtmf

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseInfo(t *testing.T) {
	relay := "application/dtmf-relay"
	for _, tc := range []struct {
		ct, body string
		digit    byte
		dur      time.Duration
	}{
		{relay, "Signal=5\r\nDuration=160\r\n", '5', 160 * time.Millisecond},
		{relay, "Signal=5\nDuration=160", '5', 160 * time.Millisecond},
		{relay, "signal = #\r\nduration = 250\r\n", '#', 250 * time.Millisecond},
		{relay, "  SIGNAL=*  \n\n DURATION=100 \n", '*', 100 * time.Millisecond},
		{relay, "Signal=10\r\nDuration=100", '*', 100 * time.Millisecond},
		{relay, "Signal=11\r\nDuration=100", '#', 100 * time.Millisecond},
		{relay, "Signal=12", 'A', 0},
		{relay, "Signal=d", 'D', 0},
		{relay, "Signal=16\r\nDuration=2000", '!', 2 * time.Second},
		{relay, "Signal=1", '1', 0},
		{relay, "Duration=80\r\nSignal=0\r\nVolume=10", '0', 80 * time.Millisecond},
		{"Application/DTMF-Relay; charset=utf-8", "Signal=9\r\n", '9', 0},
		{"application/dtmf", "5", '5', 0},
		{"application/dtmf", "*\r\n", '*', 0},
		{"application/dtmf", " 11 ", '#', 0},
		{"application/dtmf", "b", 'B', 0},
	} {
		d, dur, err := ParseInfo(tc.ct, []byte(tc.body))
		if err != nil || d != tc.digit || dur != tc.dur {
			t.Errorf("ParseInfo(%q, %q) = %q, %v, %v; want %q, %v", tc.ct, tc.body, d, dur, err, tc.digit, tc.dur)
		}
	}
}

func TestParseInfoErrors(t *testing.T) {
	relay := "application/dtmf-relay"
	for _, tc := range []struct {
		ct, body string
		want     error
	}{
		{"text/plain", "Signal=5", ErrUnsupportedContentType},
		{"application/sdp", "v=0", ErrUnsupportedContentType},
		{"", "5", ErrUnsupportedContentType},
		{"application/dtmf-relay; =bad", "Signal=5", ErrUnsupportedContentType},
		{relay, "", ErrMalformedInfo},
		{relay, "Duration=160", ErrMalformedInfo},
		{relay, "Signal 5", ErrMalformedInfo},
		{relay, "Signal=5\r\nSignal=6", ErrMalformedInfo},
		{relay, "Signal=5\r\nDuration=160\r\nDuration=100", ErrMalformedInfo},
		{relay, "Signal=5\r\nDuration=-1", ErrMalformedInfo},
		{relay, "Signal=5\r\nDuration=abc", ErrMalformedInfo},
		{relay, "Signal=5\r\nDuration=99999999999", ErrMalformedInfo},
		{relay, "Signal=17", ErrUnknownDigit},
		{relay, "Signal=x", ErrUnknownDigit},
		{relay, "Signal=", ErrUnknownDigit},
		{relay, "Signal=55", ErrUnknownDigit},
		{relay, "Signal=+5", ErrUnknownDigit},
		{"application/dtmf", "", ErrUnknownDigit},
		{"application/dtmf", "12345", ErrUnknownDigit},
		{"application/dtmf", "5 6", ErrUnknownDigit},
		{relay, "Signal=5\r\n" + strings.Repeat(" ", MaxInfoSize), ErrInfoTooLarge},
	} {
		_, _, err := ParseInfo(tc.ct, []byte(tc.body))
		if !errors.Is(err, tc.want) {
			t.Errorf("ParseInfo(%q, %.40q) error %v, want %v", tc.ct, tc.body, err, tc.want)
		}
	}
}
