package tone

import (
	"slices"
	"strings"
)

// Tone names Lookup knows.
const (
	Dial        = "dial"
	Ringback    = "ringback"
	Busy        = "busy"
	Congestion  = "congestion"
	CallWaiting = "callwaiting"
	Beep        = "beep"    // before voicemail recording; plays once
	Confirm     = "confirm" // stutter dial tone, for confirmations
	Info        = "info"    // special information tone
)

// beepSpec is the same everywhere: 1 kHz for a quarter second, once.
const beepSpec = "!1000/250"

// plan is one country's tones in the indications syntax.
type plan struct {
	dial, ringback, busy, congestion, callwaiting, info, confirm string
}

// stutter is the usual stutter dial tone: n bursts of on ms on, on ms off,
// then then for ever.
func stutter(f string, on string, n int, then string) string {
	return strings.Repeat("!"+f+"/"+on+",!0/"+on+",", n) + then
}

// Common shapes of the special information tone (950/1400/1800 Hz, 330 ms
// each).
const (
	sitLoop   = "950/330,1400/330,1800/330,0/1000"
	sitOnce   = "!950/330,!1400/330,!1800/330,0"
	sitOnce1s = "!950/330,!1400/330,!1800/330,0/1000"
	sitThree  = "!950/330,!1400/330,!1800/330,!0/1000,"
)

// plans holds the ITU-T E.180 Supplement 2 values as open-source PBX
// tables list them (Asterisk indications.conf, DAHDI zonedata.c). Where a
// country publishes no stutter tone, confirm is the tables' stutter of its
// dial tone. ca follows the North American plan; ie, kr and hk come from
// the E.180 supplement directly, the tables lacking them; jp rings with
// 400 Hz modulated by 16 Hz as E.180 gives it (the tables write 400+15).
var plans = map[string]plan{
	"us": {"350+440", "440+480/2000,0/4000", "480+620/500,0/500", "480+620/250,0/250", "440/300,0/10000", sitOnce, stutter("350+440", "100", 6, "350+440")},
	"ca": {"350+440", "440+480/2000,0/4000", "480+620/500,0/500", "480+620/250,0/250", "440/300,0/10000", sitOnce, stutter("350+440", "100", 6, "350+440")},
	"gb": {"350+440", "400+450/400,0/200,400+450/400,0/2000", "400/375,0/375", "400/400,0/350,400/225,0/525", "400/100,0/4000", "950/330,0/15,1400/330,0/15,1800/330,0/1000", "350+440/750,440/750"},
	"ie": {"425", "400+450/400,0/200,400+450/400,0/2000", "425/500,0/500", "425/400,0/350,425/225,0/525", "425/180,0/200,425/200,0/4500", sitLoop, stutter("425", "100", 6, "425")},
	"de": {"425", "425/1000,0/4000", "425/480,0/480", "425/240,0/240", strings.Repeat("!425/200,!0/200,!425/200,!0/5000,", 4) + "!425/200,!0/200,!425/200,0", sitLoop, "425+400"},
	"fr": {"440", "440/1500,0/3500", "440/500,0/500", "440/250,0/250", "440/300,0/10000", "!950/330,!1400/330,!1800/330", stutter("440", "100", 6, "440")},
	"it": {"425/200,0/200,425/600,0/1000", "425/1000,0/4000", "425/500,0/500", "425/200,0/200", "425/400,0/100,425/250,0/100,425/150,0/14000", strings.Repeat(sitThree, 3) + "0", "470/400,425/400"},
	"es": {"425", "425/1500,0/3000", "425/200,0/200", "425/200,0/200,425/200,0/200,425/200,0/600", "425/175,0/175,425/175,0/3500", "950/330,0/1000", stutter("425", "100", 6, "425")},
	"nl": {"425", "425/1000,0/4000", "425/500,0/500", "425/250,0/250", "425/500,0/9500", sitLoop, "425/500,0/50"},
	"be": {"425", "425/1000,0/3000", "425/500,0/500", "425/167,0/167", "1400/175,0/175,1400/175,0/3500", "900/330,1400/330,1800/330,0/1000", "425/1000,0/250"},
	"ch": {"425", "425/1000,0/4000", "425/500,0/500", "425/200,0/200", "425/200,0/200,425/200,0/4000", sitLoop, "425+340/1100,0/1100"},
	"at": {"420", "420/1000,0/5000", "420/400,0/400", "420/200,0/200", "420/40,0/1960", "950/330,1450/330,1850/330,0/1000", "380+420"},
	"se": {"425", "425/1000,0/5000", "425/250,0/250", "425/250,0/750", "425/200,0/500,425/200,0/9100", strings.Repeat("!950/332,!0/24,!1400/332,!0/24,!1800/332,!0/2024,", 4) + "!950/332,!0/24,!1400/332,!0/24,!1800/332,0", stutter("425", "100", 6, "425")},
	"no": {"425", "425/1000,0/4000", "425/500,0/500", "425/200,0/200", "425/200,0/600,425/200,0/10000", strings.Repeat(sitThree, 3) + "0", "470/400,425/400"},
	"dk": {"425", "425/1000,0/4000", "425/500,0/500", "425/200,0/200", "!425/200,!0/600,!425/200,!0/3000,!425/200,!0/200,!425/200,0", sitLoop, "425/450,0/50"},
	"fi": {"425", "425/1000,0/4000", "425/300,0/300", "425/200,0/200", "425/150,0/150,425/150,0/8000", "950/650,0/325,950/325,0/30,1400/1300,0/2600", "425/650,0/25"},
	"pl": {"425", "425/1000,0/4000", "425/500,0/500", "425/500,0/500", "425/150,0/150,425/150,0/4000", strings.TrimSuffix(strings.Repeat(sitThree, 3), ","), stutter("425", "100", 6, "425")},
	"cz": {"425/330,0/330,425/660,0/660", "425/1000,0/4000", "425/330,0/330", "425/165,0/165", "425/330,0/9000", "950/330,0/30,1400/330,0/30,1800/330,0/1000", "425/450,0/50"},
	"au": {"413+438", "413+438/400,0/200,413+438/400,0/2000", "425/375,0/375", "425/375,0/375,420/375,0/375", "425/200,0/200,425/200,0/4400", "425/2500,0/500", "413+438/100,0/40"},
	"nz": {"400", "400+450/400,0/200,400+450/400,0/2000", "400/500,0/500", "400/250,0/250", "!400/200,!0/3000,!400/200,!0/3000,!400/200,!0/3000,!400/200", "400/750,0/100,400/750,0/100,400/750,0/100,400/750,0/400", stutter("400", "100", 6, "400")},
	"jp": {"400", "400*16/1000,0/2000", "400/500,0/500", "400/500,0/500", "400*16/500,0/8000", sitOnce, stutter("400", "100", 6, "400")},
	"cn": {"450", "450/1000,0/4000", "450/350,0/350", "450/700,0/700", "450/400,0/4000", "450/100,0/100,450/100,0/100,450/100,0/100,450/400,0/400", "450+425"},
	"in": {"400*25", "400*25/400,0/200,400*25/400,0/2000", "400/750,0/750", "400/250,0/250", "400/200,0/100,400/200,0/7500", sitOnce1s, stutter("350+440", "100", 6, "400*25")},
	"ru": {"425", "425/1000,0/4000", "425/350,0/350", "425/175,0/175", "425/200,0/5000", sitLoop, stutter("425", "100", 6, "425")},
	"br": {"425", "425/1000,0/4000", "425/250,0/250", "425/250,0/250,425/750,0/250", "425/50,0/1000", "950/330,1400/330,1800/330", "350+440"},
	"mx": {"425", "425/1000,0/4000", "425/250,0/250", "425/250,0/250", "425/200,0/600,425/200,0/10000", "950/330,0/30,1400/330,0/30,1800/330,0/1000", stutter("425", "100", 6, "425")},
	"za": {"400*33", "400*33/400,0/200,400*33/400,0/2000", "400/500,0/500", "400/250,0/250", "400*33/250,0/250,400*33/250,0/250,400*33/250,0/250,400*33/250,0/250", "950/330,1400/330,1800/330,0/330", stutter("400*33", "100", 6, "400*33")},
	"pt": {"425", "425/1000,0/5000", "425/500,0/500", "425/200,0/200", "440/300,0/10000", sitLoop, stutter("425", "100", 6, "425")},
	"il": {"414", "414/1000,0/3000", "414/500,0/500", "414/250,0/250", "414/100,0/100,414/100,0/100,414/600,0/3000", "1000/330,1400/330,1800/330,0/1000", stutter("414", "160", 10, "414")},
	"tr": {"450", "450/2000,0/4000", "450/500,0/500", "!450/200,!0/200,!450/200,!0/200,!450/200,!0/200,450/600,0/200", "450/200,0/600,450/200,0/800", "!950+1400/300,!0/1000,!950+1400/300,!0/1000,!950+1400/1000,0", stutter("450", "100", 6, "450")},
	"kr": {"350+440", "440+480/1000,0/2000", "480+620/500,0/500", "480+620/300,0/200", "350+440/250,0/250,350+440/250,0/3250", sitOnce1s, stutter("350+440", "100", 6, "350+440")},
	"sg": {"425", "425*24/400,0/200,425*24/400,0/2000", "425/750,0/750", "425/250,0/250", "425*24/300,0/200,425*24/300,0/3200", sitLoop, strings.Repeat("!425/200,!0/200,!425/600,!0/200,", 4) + "425"},
	"hk": {"350+440", "440+480/400,0/200,440+480/400,0/3000", "480+620/500,0/500", "480+620/250,0/250", "440/100,0/200,440/100,0/10000", sitOnce1s, stutter("350+440", "100", 6, "350+440")},
	"ar": {"425", "425/1000,0/4500", "425/300,0/300", "425/200,0/300", "425/200,0/9000", "425/100,0/100", "425/450,0/50"},
}

// aliases are codes people use that are not the ISO 3166 one.
var aliases = map[string]string{"uk": "gb"}

var names = []string{Beep, Busy, CallWaiting, Confirm, Congestion, Dial, Info, Ringback}

// Countries returns the ISO 3166-1 alpha-2 codes Lookup knows, sorted.
func Countries() []string {
	out := make([]string, 0, len(plans))
	for c := range plans {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// Names returns the tone names Lookup knows, sorted.
func Names() []string { return slices.Clone(names) }

// Lookup returns a country's tone by name (Dial, Ringback, ...). The
// country is an ISO 3166-1 alpha-2 code, in any case ("uk" is taken for
// "gb").
func Lookup(country, name string) (Tone, error) {
	c := strings.ToLower(country)
	if a, ok := aliases[c]; ok {
		c = a
	}
	p, ok := plans[c]
	if !ok {
		return Tone{}, errorf(ErrUnknownCountry, "no tones for country %q: known are %s", country, strings.Join(Countries(), ", "))
	}
	var spec string
	switch strings.ToLower(name) {
	case Dial:
		spec = p.dial
	case Ringback:
		spec = p.ringback
	case Busy:
		spec = p.busy
	case Congestion:
		spec = p.congestion
	case CallWaiting:
		spec = p.callwaiting
	case Beep:
		spec = beepSpec
	case Confirm:
		spec = p.confirm
	case Info:
		spec = p.info
	default:
		return Tone{}, errorf(ErrUnknownTone, "no tone named %q: known are %s", name, strings.Join(names, ", "))
	}
	// Parsing on each call hands every caller a Tone of its own; the
	// tables are checked by the tests, so this error means a broken table.
	t, err := Parse(spec)
	if err != nil {
		return Tone{}, errorf(err, "%s %s: %v", c, name, err)
	}
	return t, nil
}
