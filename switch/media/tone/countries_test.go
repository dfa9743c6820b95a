package tone

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

var required = strings.Fields("us ca gb de fr it es nl be ch at se no dk fi pl cz au nz jp cn in ru br mx za ie pt il tr kr sg hk ar")

func TestCountries(t *testing.T) {
	got := Countries()
	if !slices.IsSorted(got) {
		t.Errorf("Countries() not sorted: %v", got)
	}
	for _, c := range required {
		if !slices.Contains(got, c) {
			t.Errorf("missing country %q", c)
		}
	}
	if len(got) != len(required) {
		t.Errorf("%d countries, want %d", len(got), len(required))
	}
}

// Every country has every tone, each parses, plays, and behaves as its
// name says.
func TestLookupEveryTone(t *testing.T) {
	for _, c := range Countries() {
		for _, name := range Names() {
			tn, err := Lookup(c, name)
			if err != nil {
				t.Errorf("%s %s: %v", c, name, err)
				continue
			}
			switch name {
			case Beep:
				if tn.Repeats() {
					t.Errorf("%s beep repeats", c)
				}
			case Dial, Ringback, Busy, Congestion:
				if !tn.Repeats() {
					t.Errorf("%s %s plays once: %s", c, name, tn)
				}
			}
			// Two seconds of it: something sounds.
			x := make([]int16, 32000)
			peak := 0
			for _, v := range x[:NewGenerator(tn, 16000).Read(x)] {
				peak = max(peak, int(v))
			}
			if peak < 3000 {
				t.Errorf("%s %s: silent in its first 2 s (peak %d)", c, name, peak)
			}
		}
	}
}

func TestLookupValues(t *testing.T) {
	for _, c := range []struct{ country, name, want string }{
		{"us", Busy, "480+620/500,0/500"},
		{"US", "RingBack", "440+480/2000,0/4000"},
		{"uk", Dial, "350+440"},
		{"gb", Ringback, "400+450/400,0/200,400+450/400,0/2000"},
		{"de", Dial, "425"},
		{"fr", Dial, "440"},
		{"jp", Ringback, "400*16/1000,0/2000"},
		{"in", Dial, "400*25"},
		{"au", Dial, "413+438"},
		{"ca", Dial, "350+440"},
		{"it", Beep, beepSpec},
		{"us", Confirm, "!350+440/100,!0/100,!350+440/100,!0/100,!350+440/100,!0/100,!350+440/100,!0/100,!350+440/100,!0/100,!350+440/100,!0/100,350+440"},
	} {
		tn, err := Lookup(c.country, c.name)
		if err != nil {
			t.Errorf("%s %s: %v", c.country, c.name, err)
			continue
		}
		if tn.String() != c.want {
			t.Errorf("%s %s = %q, want %q", c.country, c.name, tn, c.want)
		}
	}
}

func TestLookupErrors(t *testing.T) {
	_, err := Lookup("xx", Dial)
	if !errors.Is(err, ErrUnknownCountry) || !strings.Contains(err.Error(), `"xx"`) || !strings.Contains(err.Error(), "ar, at, au") {
		t.Errorf("unknown country: %v", err)
	}
	_, err = Lookup("us", "hold")
	if !errors.Is(err, ErrUnknownTone) || !strings.Contains(err.Error(), `"hold"`) || !strings.Contains(err.Error(), "beep, busy") {
		t.Errorf("unknown tone: %v", err)
	}
	if _, err := Lookup("", ""); !errors.Is(err, ErrUnknownCountry) {
		t.Errorf("empty: %v", err)
	}
}

// Each Lookup hands out a tone of its own: changing one changes no other.
func TestLookupIndependent(t *testing.T) {
	a, _ := Lookup("us", Busy)
	a.Parts[0].Freq1 = 1
	b, _ := Lookup("us", Busy)
	if b.Parts[0].Freq1 != 480 {
		t.Fatal("Lookup shares its parts between callers")
	}
	n := Names()
	n[0] = "x"
	if Names()[0] == "x" {
		t.Fatal("Names shares its slice")
	}
}

func TestLookupBusyCadence(t *testing.T) {
	tn, err := Lookup("de", Busy)
	if err != nil {
		t.Fatal(err)
	}
	x := render(t, tn, 8000, 2*7680)
	assertOnly(t, x[:3840], 8000, []float64{425}, 4000, probes)
	if rms(x[3840:7680]) != 0 || rms(x[7680+16:11520-16]) < 3500 {
		t.Error("German busy is not 480 ms on, 480 ms off")
	}
}
