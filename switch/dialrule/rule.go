package dialrule

import (
	"fmt"
	"strings"
)

// Rule is the number transform of an outbound dial rule: numbers matching
// Pattern lose Strip symbols from the front (the dial prefix, "9") and get
// Prepend in front (an area code, a carrier prefix) before going to the
// trunk.
type Rule struct {
	Pattern Pattern
	Strip   int
	Prepend string
}

// NewRule builds a rule the way the seed's dial-rule form puts it: a dial
// prefix that users dial first and that is stripped ("9"), the pattern of
// what follows ("NXXXXXX"), and digits to prepend. The prefix is literal.
func NewRule(prefix, pattern, prepend string) (Rule, error) {
	for i := 0; i < len(prefix); i++ {
		if symBit[prefix[i]] == 0 {
			return Rule{}, syntaxErr("dial prefix", prefix, i+1, "%q is not a digit, * # or +", prefix[i])
		}
	}
	p, err := ParsePattern(pattern)
	if err != nil {
		return Rule{}, err
	}
	pos := make([]symset, 0, len(prefix)+len(p.pos))
	for i := 0; i < len(prefix); i++ {
		pos = append(pos, symBit[prefix[i]])
	}
	if len(pos)+len(p.pos) > MaxLen {
		return Rule{}, fmt.Errorf("dialrule: dial prefix %q and pattern %q: longer than %d positions", prefix, pattern, MaxLen)
	}
	p.pos = append(pos, p.pos...)
	r := Rule{Pattern: p, Strip: len(prefix), Prepend: prepend}
	return r, r.Validate()
}

// Validate refuses rules that are useless or would dial nothing: no
// pattern, a negative strip, a strip that removes the whole of the shortest
// number the pattern matches (then some matching number leaves nothing of
// what the user dialled), or a prepend that is not a number prefix.
func (r Rule) Validate() error {
	if r.Pattern.IsZero() {
		return fmt.Errorf("dialrule: rule has no pattern")
	}
	if r.Strip < 0 {
		return fmt.Errorf("dialrule: rule %s: strip %d is negative", r.Pattern, r.Strip)
	}
	if shortest := r.Pattern.MinLen(); r.Strip >= shortest {
		return fmt.Errorf("dialrule: rule %s: strip %d removes the whole number (the pattern matches numbers of %d symbols)", r.Pattern, r.Strip, shortest)
	}
	if len(r.Prepend) > MaxLen {
		return fmt.Errorf("dialrule: rule %s: prepend %q is longer than %d symbols", r.Pattern, r.Prepend, MaxLen)
	}
	for i := 0; i < len(r.Prepend); i++ {
		c := r.Prepend[i]
		if symBit[c] == 0 || c == '+' && i > 0 {
			return syntaxErr("prepend", r.Prepend, i+1, "%q is not a digit, * # or a leading +", c)
		}
	}
	return nil
}

// Apply transforms a number that matched the rule's pattern. A number
// shorter than Strip (never one that matched a valid rule) loses all of
// itself.
func (r Rule) Apply(number string) string {
	number = number[min(max(r.Strip, 0), len(number)):]
	if r.Prepend == "" {
		return number
	}
	return r.Prepend + number
}

// Rewrite is Match then Apply: the number to send and true, or "" and
// false when the rule does not apply.
func (r Rule) Rewrite(number string) (string, bool) {
	if !r.Pattern.Match(number) {
		return "", false
	}
	return r.Apply(number), true
}

// String shows the rule for logs: pattern, strip and prepend.
func (r Rule) String() string {
	var b strings.Builder
	b.WriteString(r.Pattern.String())
	if r.Strip > 0 {
		fmt.Fprintf(&b, " strip %d", r.Strip)
	}
	if r.Prepend != "" {
		fmt.Fprintf(&b, " prepend %s", r.Prepend)
	}
	return b.String()
}
