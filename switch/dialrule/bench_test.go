package dialrule

import "testing"

func BenchmarkPatternMatch(b *testing.B) {
	p, _ := ParsePattern("_9[2-9]XXXXXX.")
	b.ReportAllocs()
	for b.Loop() {
		if !p.Match("920794609581") {
			b.Fatal("no match")
		}
	}
}

func BenchmarkPatternMatchMiss(b *testing.B) {
	p, _ := ParsePattern("_9011.")
	b.ReportAllocs()
	for b.Loop() {
		if p.Match("920794609581") {
			b.Fatal("match")
		}
	}
}

func BenchmarkPoolContains(b *testing.B) {
	p, _ := ParsePool("123;1100-1200;44*****;442012345670-442012345680")
	b.ReportAllocs()
	for b.Loop() {
		if !p.Contains("442012345675") {
			b.Fatal("not contained")
		}
	}
}

func BenchmarkCallerMaskMatch(b *testing.B) {
	m, _ := ParseMask("0044**********")
	b.ReportAllocs()
	for b.Loop() {
		if !m.Match("00442079460958") {
			b.Fatal("no match")
		}
	}
}

func BenchmarkNormalize(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Normalize("+44 20 7946 0958"); err != nil {
			b.Fatal(err)
		}
	}
}
