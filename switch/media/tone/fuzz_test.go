package tone

import (
	"reflect"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, p := range plans {
		f.Add(p.dial)
		f.Add(p.confirm)
		f.Add(p.info)
	}
	for _, s := range []string{"", "!", "425*25/400,0/200", " 1 + 2 / 3 ", "4001", "425/0", "9999999999", "!M640/100", "425/100,0"} {
		f.Add(s)
	}
	buf := make([]int16, 2000)
	f.Fuzz(func(t *testing.T, spec string) {
		tn, err := Parse(spec)
		if err != nil {
			if pe, ok := err.(*ParseError); !ok || pe.Pos < 1 || pe.Pos > len(spec)+1 {
				t.Fatalf("%q: error %v has no position inside the spec", spec, err)
			}
			return
		}
		if len(tn.Parts) == 0 || len(tn.Parts) > MaxParts {
			t.Fatalf("%q: %d parts", spec, len(tn.Parts))
		}
		for _, p := range tn.Parts {
			if p.Freq1 < 0 || p.Freq1 > MaxFreq || p.Freq2 < 0 || p.Freq2 > MaxFreq || p.Duration < 0 || p.Duration > MaxDuration {
				t.Fatalf("%q: part out of range: %+v", spec, p)
			}
		}
		again, err := Parse(tn.String())
		if err != nil || !reflect.DeepEqual(again, tn) {
			t.Fatalf("%q: String() %q parses to %+v, %v", spec, tn.String(), again, err)
		}
		g := NewGenerator(tn, 8000)
		if n := g.Read(buf); n > len(buf) || (tn.Repeats() && n != len(buf)) {
			t.Fatalf("%q: Read returned %d", spec, n)
		}
	})
}
