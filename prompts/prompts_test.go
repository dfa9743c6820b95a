package prompts

import (
	"bufio"
	"io/fs"
	"math"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"
)

const (
	rate = 8000
	// minRMS is the floor (-40 dBFS) under which a file is taken as silent.
	minRMS = 32768 * 0.01
	// maxPeak leaves headroom: prompts peak at -3 dBFS, music at -6 dBFS.
	maxPeak = 29490 // 0.9 of full scale
	// maxEdge is the longest silence allowed at either end of a prompt, so
	// that prompts chain without audible gaps.
	maxEdge = 0.150
)

var nameRE = regexp.MustCompile(`^[a-z0-9_]+(/[a-z0-9_]+)*$`)

// promptNames reads en.txt: one "name|text" line per prompt.
func promptNames(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("en.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	line := map[string]int{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		s := sc.Text()
		if strings.TrimSpace(s) == "" || strings.HasPrefix(s, "#") {
			continue
		}
		name, text, ok := strings.Cut(s, "|")
		switch {
		case !ok:
			t.Errorf("en.txt:%d: want name|text", n)
		case !nameRE.MatchString(name):
			t.Errorf("en.txt:%d: bad name %q", n, name)
		case strings.TrimSpace(text) == "":
			t.Errorf("en.txt:%d: %s: empty text", n, name)
		case line[name] != 0:
			t.Errorf("en.txt:%d: %s: duplicate of line %d", n, name, line[name])
		default:
			line[name] = n
			names = append(names, name)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("en.txt: no prompts")
	}
	return names
}

// load parses an embedded WAV and checks the common format and levels.
func load(t *testing.T, file string) []int16 {
	t.Helper()
	b, err := FS.ReadFile(file)
	if err != nil {
		t.Error(err)
		return nil
	}
	p, err := parseWAV(b)
	if err != nil {
		t.Errorf("%s: %v", file, err)
		return nil
	}
	if p.format != 1 || p.channels != 1 || p.rate != rate || p.bits != 16 {
		t.Errorf("%s: format %d, %d channels, %d Hz, %d bits: want PCM (1), mono, 8000 Hz, 16 bits",
			file, p.format, p.channels, p.rate, p.bits)
		return nil
	}
	if len(p.samples) == 0 {
		t.Errorf("%s: no samples", file)
		return nil
	}
	var sum float64
	peak := 0
	for _, s := range p.samples {
		sum += float64(s) * float64(s)
		peak = max(peak, abs(int(s)))
	}
	if rms := math.Sqrt(sum / float64(len(p.samples))); rms < minRMS {
		t.Errorf("%s: RMS %.0f: silent (want at least %.0f)", file, rms, minRMS)
	}
	if peak > maxPeak {
		t.Errorf("%s: peak %d: clipped or too loud (want at most %d)", file, peak, maxPeak)
	}
	return p.samples
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// edges returns the seconds of silence (below 2% of the peak) before the
// first and after the last sound.
func edges(samples []int16) (lead, trail float64) {
	peak := 0
	for _, s := range samples {
		peak = max(peak, abs(int(s)))
	}
	floor := peak / 50
	first, last := 0, len(samples)-1
	for first < len(samples) && abs(int(samples[first])) <= floor {
		first++
	}
	for last >= 0 && abs(int(samples[last])) <= floor {
		last--
	}
	return float64(first) / rate, float64(len(samples)-1-last) / rate
}

func TestEveryPromptHasItsWAV(t *testing.T) {
	for _, name := range promptNames(t) {
		samples := load(t, "en/"+name+".wav")
		if samples == nil {
			continue
		}
		if lead, trail := edges(samples); lead > maxEdge || trail > maxEdge {
			t.Errorf("en/%s.wav: %.0f ms of silence before, %.0f ms after: want at most %.0f ms",
				name, lead*1000, trail*1000, maxEdge*1000)
		}
	}
}

func TestNoWAVWithoutALine(t *testing.T) {
	listed := map[string]bool{}
	for _, name := range promptNames(t) {
		listed["en/"+name+".wav"] = true
	}
	found := 0
	err := fs.WalkDir(FS, "en", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		found++
		if path.Ext(p) != ".wav" {
			t.Errorf("%s: not a .wav file", p)
		} else if !listed[p] {
			t.Errorf("%s: no line in en.txt (run generate.sh)", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found != len(listed) {
		t.Errorf("%d files under en/, %d prompts in en.txt", found, len(listed))
	}
}

func TestMusicOnHold(t *testing.T) {
	files, err := fs.Glob(FS, "moh/default/*.wav")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 {
		t.Fatalf("moh/default: %d pieces, want at least 2", len(files))
	}
	for _, f := range files {
		samples := load(t, f)
		if d := float64(len(samples)) / rate; samples != nil && d < 10 {
			t.Errorf("%s: %.1f s, want at least 10 s", f, d)
		}
	}
}
