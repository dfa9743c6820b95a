package tone

import "testing"

func BenchmarkRead160(b *testing.B) {
	for _, spec := range []string{"350+440", "425*25/400,0/200,425*25/400,0/2000", "425/1000,0/4000"} {
		b.Run(spec, func(b *testing.B) {
			g := NewGenerator(mustParse(b, spec), 8000)
			buf := make([]int16, 160)
			b.ReportAllocs()
			for b.Loop() {
				g.Read(buf)
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	spec := plans["se"].info
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(spec); err != nil {
			b.Fatal(err)
		}
	}
}
