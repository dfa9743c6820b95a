package prompts

import (
	"io/fs"
	"slices"
	"testing"
)

func TestNumber(t *testing.T) {
	for _, c := range []struct {
		n    int
		want []string
	}{
		{0, []string{"digits/0"}},
		{7, []string{"digits/7"}},
		{13, []string{"digits/13"}},
		{40, []string{"digits/40"}},
		{42, []string{"digits/40", "digits/2"}},
		{105, []string{"digits/1", "digits/hundred", "digits/5"}},
		{2000, []string{"digits/2", "digits/thousand"}},
		{1_002_030, []string{"digits/1", "digits/million", "digits/2", "digits/thousand", "digits/30"}},
		{-3, []string{"digits/minus", "digits/3"}},
	} {
		if got := Number(c.n); !slices.Equal(got, c.want) {
			t.Errorf("Number(%d) = %v, want %v", c.n, got, c.want)
		}
	}
}

// Every prompt Number names is shipped.
func TestNumberPromptsExist(t *testing.T) {
	for n := -20; n <= 1_000_100; n += 997 {
		for _, p := range Number(n) {
			if _, err := fs.Stat(FS, "en/"+p+".wav"); err != nil {
				t.Fatalf("Number(%d) names %s: %v", n, p, err)
			}
		}
	}
}
