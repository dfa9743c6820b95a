package tone

import (
	"math"
	"testing"
	"time"
)

// probes are frequencies where no tone in these tests has energy.
var probes = []float64{200, 300, 500, 600, 800, 1000, 1500, 2000, 3000}

func TestGeneratorDualTone(t *testing.T) {
	for _, rate := range []int{8000, 16000} {
		x := render(t, mustParse(t, "350+440"), rate, rate) // one second
		assertOnly(t, x, rate, []float64{350, 440}, 4500, probes)
	}
}

func TestGeneratorDefaultLevel(t *testing.T) {
	x := render(t, mustParse(t, "1000"), 8000, 8000)
	want := 32767 * math.Pow(10, (DefaultLevel-3.17)/20) // ≈ 5090
	if a := goertzel(x[100:], 8000, 1000); math.Abs(a-want) > 5 {
		t.Errorf("amplitude %.1f, want %.1f (-13 dBm0)", a, want)
	}
	peak := 0
	for _, v := range render(t, mustParse(t, "350+440"), 8000, 8000) {
		peak = max(peak, int(v), -int(v))
	}
	if peak > 2*5100 || peak < 9000 {
		t.Errorf("dual tone peak %d, want about 2 × 5090", peak)
	}
}

func TestGeneratorLevels(t *testing.T) {
	for _, c := range []struct {
		level, want float64
	}{{-20, 2272}, {-3, 16095}, {+6, 16095}, {math.NaN(), 5090}, {math.Inf(-1), 0}} {
		tn := Tone{Parts: []Part{{Freq1: 1000, Level: c.level}}}
		a := goertzel(render(t, tn, 8000, 8000)[100:], 8000, 1000)
		if math.Abs(a-c.want) > c.want/500+1 {
			t.Errorf("level %v: amplitude %.1f, want %.0f", c.level, a, c.want)
		}
	}
	// At the highest level a modulated tone still does not clip.
	tn := Tone{Parts: []Part{{Freq1: 425, Freq2: 25, Modulate: true, Level: 10}}}
	for i, v := range render(t, tn, 8000, 8000) {
		if v == math.MaxInt16 || v == math.MinInt16 {
			t.Fatalf("sample %d clipped", i)
		}
	}
}

// "425*25": 425 Hz with sidebands at 400 and 450 Hz of depth/2 each, and
// nothing at 25 Hz itself.
func TestGeneratorModulated(t *testing.T) {
	x := render(t, mustParse(t, "425*25"), 8000, 8000)
	carrier := goertzel(x, 8000, 425)
	for _, f := range []float64{400, 450} {
		if a := goertzel(x, 8000, f); math.Abs(a/carrier-ModulationDepth/2) > 0.01 {
			t.Errorf("sideband %v Hz: %.3f of the carrier, want %.2f", f, a/carrier, ModulationDepth/2)
		}
	}
	assertOnly(t, x, 8000, []float64{425}, 4500, []float64{25, 375, 475, 850, 1000})
}

// US busy at 8 kHz: 4000 samples of tone, 4000 of exact silence, again.
func TestGeneratorCadence(t *testing.T) {
	for _, rate := range []int{8000, 16000} {
		half := rate / 2
		x := render(t, mustParse(t, "480+620/500,0/500"), rate, 3*half+half/2)
		for i := half; i < 2*half; i++ {
			if x[i] != 0 {
				t.Fatalf("rate %d: sample %d = %d in the silence", rate, i, x[i])
			}
		}
		ramp := rate / 500 // 2 ms
		for _, seg := range [][2]int{{0, half}, {2 * half, 3 * half}} {
			on := x[seg[0]+ramp : seg[1]-ramp]
			if r := rms(on); r < 4500 {
				t.Errorf("rate %d: tone at %v has rms %.0f", rate, seg, r)
			}
			// Tone right up to the edges, bar the ramps.
			if r := rms(x[seg[1]-ramp-rate/100 : seg[1]-ramp]); r < 4000 {
				t.Errorf("rate %d: tone fades early before %d (rms %.0f)", rate, seg[1], r)
			}
		}
		if x[2*half-1] != 0 || x[2*half] == 0 && x[2*half+1] == 0 && x[2*half+2] == 0 {
			t.Errorf("rate %d: tone does not restart at sample %d", rate, 2*half)
		}
	}
}

// The ramps keep every step between samples within what the tone's own
// slope allows: no clicks at the edges of parts.
func TestGeneratorNoClicks(t *testing.T) {
	for _, c := range []struct {
		spec  string
		freqs []float64 // every frequency that sounds
	}{
		{"480+620/500,0/500", []float64{480, 620}},
		{"400+450/400,0/200,400+450/400,0/2000", []float64{400, 450}},
		{"350+440/750,440/750", []float64{350, 440}},
		{"1400/175,0/175", []float64{1400}},
		{"425/3,0/1", []float64{425}},
		{"425*25/300,0/100", []float64{425 * 1.9}}, // the envelope peaks at 1.9 × the carrier
	} {
		x := render(t, mustParse(t, c.spec), 8000, 24000)
		// A sine of amplitude A moves at most 2A·sin(πf/rate) per sample.
		limit := 0.0
		for _, f := range c.freqs {
			limit += 2 * 5090 * math.Sin(math.Pi*f/8000)
		}
		limit *= 1.05
		for i := 1; i < len(x); i++ {
			if d := math.Abs(float64(x[i]) - float64(x[i-1])); d > limit {
				t.Fatalf("%q: step of %.0f at sample %d, limit %.0f", c.spec, d, i, limit)
			}
		}
	}
	// The first sample of a tone starts from near silence.
	if x := render(t, mustParse(t, "1000"), 8000, 2); math.Abs(float64(x[0])) > 5090/16 {
		t.Errorf("first sample %d: no fade-in", x[0])
	}
}

// Reading in pieces of any size gives the same samples as one long read:
// the phase carries over between Reads.
func TestGeneratorChunkedReads(t *testing.T) {
	tn := mustParse(t, "!350+440/100,!0/100,425*25/230,425*25/170,0/77")
	want := render(t, tn, 8000, 9000)
	g := NewGenerator(tn, 8000)
	got := make([]int16, 0, 9000)
	buf := make([]int16, 180)
	for size := 1; len(got) < 9000; size = size%173 + 7 {
		n := g.Read(buf[:min(size, 9000-len(got))])
		got = append(got, buf[:n]...)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("sample %d: %d in pieces, %d in one read", i, got[i], want[i])
		}
	}
}

// Two identical parts in a row are one continuous wave: no fade between.
func TestGeneratorSameSoundContinues(t *testing.T) {
	split := render(t, mustParse(t, "425/100,425/100,0/100"), 8000, 1600)
	whole := render(t, mustParse(t, "425/200,0/100"), 8000, 1600)
	for i := range split {
		if split[i] != whole[i] {
			t.Fatalf("sample %d: %d split, %d whole", i, split[i], whole[i])
		}
	}
	// A tone looping onto the same sound does not fade at the loop either.
	loop := render(t, mustParse(t, "425/100"), 8000, 2400)
	cont := render(t, mustParse(t, "425"), 8000, 2400)
	for i := range loop {
		if loop[i] != cont[i] {
			t.Fatalf("sample %d: %d looped, %d continuous", i, loop[i], cont[i])
		}
	}
}

func TestGeneratorPlayOnceEnds(t *testing.T) {
	g := NewGenerator(mustParse(t, "!1000/250"), 8000)
	buf := make([]int16, 160)
	total, calls := 0, 0
	for {
		n := g.Read(buf)
		calls++
		if n == 0 {
			break
		}
		if n < len(buf) && total+n != 2000 {
			t.Fatalf("short read of %d at %d before the end", n, total)
		}
		total += n
		if calls > 100 {
			t.Fatal("play-once tone does not end")
		}
	}
	if total != 2000 {
		t.Fatalf("played %d samples, want 2000 (250 ms)", total)
	}
	if g.Read(buf) != 0 {
		t.Fatal("Read after the end returned samples")
	}
	// The same tone at 16 kHz lasts as long.
	g = NewGenerator(mustParse(t, "!1000/250,!0/50"), 16000)
	if n := g.Read(make([]int16, 10000)); n != 4800 {
		t.Fatalf("16 kHz: %d samples, want 4800", n)
	}
}

func TestGeneratorOnceThenRepeat(t *testing.T) {
	// Stutter: three 100 ms bursts, then steady tone.
	x := render(t, mustParse(t, stutter("425", "100", 3, "425")), 8000, 8000)
	for b := range 3 {
		on, off := x[b*1600+50:b*1600+750], x[b*1600+800:b*1600+1600]
		if rms(on) < 3000 || rms(off) != 0 {
			t.Fatalf("burst %d: on rms %.0f, off rms %.0f", b, rms(on), rms(off))
		}
	}
	if r := rms(x[4800:]); r < 3500 {
		t.Fatalf("steady tone after the stutter: rms %.0f", r)
	}
}

func TestGeneratorEdgeCases(t *testing.T) {
	if n := NewGenerator(Tone{}, 8000).Read(make([]int16, 10)); n != 0 {
		t.Errorf("empty tone read %d samples", n)
	}
	if n := NewGenerator(mustParse(t, "425"), 8000).Read(nil); n != 0 {
		t.Errorf("nil buffer read %d", n)
	}
	// Odd inputs built by hand never panic and keep their timing.
	odd := Tone{Parts: []Part{
		{Freq1: -440, Duration: time.Microsecond, Once: true},
		{Freq1: 1 << 30, Freq2: -7, Modulate: true, Duration: 5 * time.Millisecond, Once: true},
		{Freq2: 440, Duration: 3 * time.Millisecond, Once: true},
		{Freq1: 440, Freq2: 0, Modulate: true, Duration: -time.Second, Once: true},
	}}
	g := NewGenerator(odd, 12345678)               // rate out of range: 8000
	if n := g.Read(make([]int16, 100)); n != 100 { // last part plays for ever
		t.Errorf("read %d", n)
	}
	// "0+440" sounds like "440".
	x := render(t, Tone{Parts: []Part{{Freq2: 440}}}, 8000, 8000)
	assertOnly(t, x, 8000, []float64{440}, 4500, probes)
	// A silent part made of 0 Hz components is exact silence even after a
	// tone left the oscillators at some phase.
	x = render(t, Tone{Parts: []Part{{Freq1: 700, Duration: 13 * time.Millisecond}, {Freq1: 0, Freq2: 0}}}, 8000, 400)
	for i, v := range x[104:] {
		if v != 0 {
			t.Fatalf("sample %d = %d in silence", 104+i, v)
		}
	}
}

func TestGeneratorReadAllocs(t *testing.T) {
	g := NewGenerator(mustParse(t, "440+480/2000,0/4000"), 8000)
	buf := make([]int16, 160)
	if n := testing.AllocsPerRun(1000, func() { g.Read(buf) }); n != 0 {
		t.Fatalf("Read allocates %v times, want 0", n)
	}
}

func TestGeneratorHugeDuration(t *testing.T) {
	tn := Tone{Parts: []Part{{Freq1: 440, Duration: time.Duration(math.MaxInt64), Once: true}}}
	if n := NewGenerator(tn, 192000).Read(make([]int16, 500)); n != 500 {
		t.Fatalf("read %d of a very long part", n)
	}
}
