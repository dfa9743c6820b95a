package integration

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/media/wav"
	"github.com/hookswitch/hookswitch/switch/store"
)

// writePrompt writes a one-second tone as <data>/prompts/<lang>/<name>.wav.
func writePrompt(t testing.TB, sw *testSwitch, lang, name string, freq float64) {
	t.Helper()
	p := filepath.Join(sw.cfg.DataDir, "prompts", lang, filepath.FromSlash(name)+".wav")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, wav.Encode(sine(freq, time.Second, 8000), 8000, 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A caller whose extension speaks German hears the German prompt; one
// without a language, and a prompt German lacks, play the default.
func TestLanguagePrompts(t *testing.T) {
	t.Parallel()
	e := &goEngine{progs: map[string]hook.ProgramFunc{
		"7100": func(ctx context.Context, c hook.Call) error {
			if err := c.Answer(ctx); err != nil {
				return err
			}
			if err := c.Play(ctx, hook.PlaySpec{File: "test/greet"}); err != nil {
				return err
			}
			if err := c.Play(ctx, hook.PlaySpec{File: "test/only_en"}); err != nil {
				return err
			}
			return nil // the switch hangs up
		},
	}}
	sw, a, b, _ := trio(t, e)
	writePrompt(t, sw, "en", "test/greet", 440)
	writePrompt(t, sw, "de", "test/greet", 1400)
	writePrompt(t, sw, "en", "test/only_en", 700)
	sw.setSettings(t, "1001", func(s *store.Settings) { s.Language = "de" })

	hear := func(p *phone) []int16 {
		t.Helper()
		c := p.dial(t, "7100")
		res, _ := c.final(t)
		if res.StatusCode != 200 {
			t.Fatalf("%s: program answered %d", p.user, res.StatusCode)
		}
		d := c.ack(t, res)
		d.waitBye(t) // both prompts played
		return p.rtp.audio()
	}
	de := hear(a)
	if !hasTone(de, 1400) || hasTone(de, 440) {
		t.Fatalf("German caller: 1400 Hz %v, 440 Hz %v; want the German prompt only", hasTone(de, 1400), hasTone(de, 440))
	}
	if !hasTone(de, 700) {
		t.Fatal("German caller did not hear the prompt German lacks (default language)")
	}
	en := hear(b)
	if !hasTone(en, 440) || hasTone(en, 1400) {
		t.Fatalf("caller without language: 440 Hz %v, 1400 Hz %v; want the default prompt", hasTone(en, 440), hasTone(en, 1400))
	}
}
