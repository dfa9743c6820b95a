package prompts

// Number returns the prompts that say a whole number in American English
// (no "and": 105 is "one hundred five"), as scripts/say.lua's say.number
// does, for announcements the core makes itself (a queue position).
// Negative numbers start with "minus"; beyond 999,999,999 the number is
// capped there.
func Number(n int) []string {
	if n < 0 {
		return append([]string{"digits/minus"}, Number(-max(n, -999_999_999))...)
	}
	if n == 0 {
		return []string{"digits/0"}
	}
	n = min(n, 999_999_999)
	var out []string
	for _, g := range []struct {
		size int
		name string
	}{{1_000_000, "digits/million"}, {1000, "digits/thousand"}} {
		if n >= g.size {
			out = append(out, below1000(n/g.size)...)
			out = append(out, g.name)
			n %= g.size
		}
	}
	return append(out, below1000(n)...)
}

// below1000 says 1-999 ("" for 0).
func below1000(n int) []string {
	var out []string
	if n >= 100 {
		out = append(out, digit(n/100), "digits/hundred")
		n %= 100
	}
	switch {
	case n == 0:
	case n < 20:
		out = append(out, digit(n))
	default:
		out = append(out, digit(n/10*10))
		if n%10 != 0 {
			out = append(out, digit(n%10))
		}
	}
	return out
}

func digit(n int) string { return "digits/" + itoa(n) }

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
