package e2e

import (
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/tests/browser"
)

const (
	sampleRate = 8000
	tone1001   = 697.0  // what 1001 plays
	tone1002   = 1477.0 // what 1002 plays
	// minToneSNR is how far (dB) the expected tone must stand above the
	// other party's tone in a recording: an echo or a crossed stream fails.
	minToneSNR = 20.0
	// minActive is the least non-silent audio a recording must hold.
	minActive = 2 * time.Second
	// silenceDBFS is the level under which a 20 ms frame counts as silent.
	silenceDBFS = -40.0
	// settle is skipped at the start of a recording (jitter buffer fill,
	// stream start-up).
	settle = 500 * time.Millisecond
)

// writeTones writes the two parties' microphone WAVs (long enough to
// outlast any call of the tests) and returns their paths.
func writeTones(t *testing.T) (wav1001, wav1002 string) {
	t.Helper()
	dir := t.TempDir()
	wav1001 = filepath.Join(dir, "tone-697.wav")
	wav1002 = filepath.Join(dir, "tone-1477.wav")
	if err := WriteWAVFile(wav1001, sampleRate, Tone(sampleRate, tone1001, 30*time.Second, 0.5)); err != nil {
		t.Fatal(err)
	}
	if err := WriteWAVFile(wav1002, sampleRate, Tone(sampleRate, tone1002, 30*time.Second, 0.5)); err != nil {
		t.Fatal(err)
	}
	return wav1001, wav1002
}

// checkHeard asserts that the recording of what who heard holds the tone
// want, clearly above the tone other (its own), for at least minActive.
func checkHeard(t *testing.T, who string, u *browser.Baresip, want, other float64) {
	t.Helper()
	path, err := u.Heard()
	if err != nil {
		t.Error(err)
		return
	}
	rate, samples, err := ReadWAVFile(path)
	if err != nil {
		t.Errorf("%s: %v", who, err)
		return
	}
	if rate != sampleRate {
		t.Errorf("%s: recording at %d Hz, want %d", who, rate, sampleRate)
		return
	}
	total := time.Duration(len(samples)) * time.Second / sampleRate
	samples = Skip(samples, rate, settle)
	active := ActiveDuration(samples, rate, silenceDBFS)
	dom, domPower := DominantFrequency(samples, rate, 300, 3400, 10)
	pWant, pOther := TonePower(samples, rate, want), TonePower(samples, rate, other)
	snr := 10 * math.Log10(pWant/math.Max(pOther, 1e-12))
	t.Logf("%s heard: %v recorded, %v non-silent after %v; dominant %.0f Hz (power %.3g); %.0f Hz %.3g, %.0f Hz %.3g (%.1f dB)",
		who, total, active, settle, dom, domPower, want, pWant, other, pOther, snr)
	if active < minActive {
		t.Errorf("%s: only %v of non-silent audio, want at least %v", who, active, minActive)
	}
	if math.Abs(dom-want) > 20 {
		t.Errorf("%s: dominant frequency %.0f Hz, want %.0f Hz", who, dom, want)
	}
	if snr < minToneSNR {
		t.Errorf("%s: %.0f Hz only %.1f dB above %.0f Hz, want at least %.0f dB", who, want, snr, other, minToneSNR)
	}
}
