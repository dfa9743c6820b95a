package load

import (
	"fmt"
	"strconv"
	"strings"
)

// maxUsers bounds a range so a typo cannot allocate millions of users.
const maxUsers = 200000

// ParseUsers expands "2000-2099", "2000" or "2000,2005-2010" into user
// names, keeping the width of the first bound (leading zeros stay).
func ParseUsers(spec string) ([]string, error) {
	var out []string
	for part := range strings.SplitSeq(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		lo, hi, ok := strings.Cut(part, "-")
		if !ok {
			hi = lo
		}
		a, err1 := strconv.ParseUint(lo, 10, 64)
		b, err2 := strconv.ParseUint(hi, 10, 64)
		if err1 != nil || err2 != nil || b < a {
			return nil, fmt.Errorf("%q: %w", part, ErrRange)
		}
		if b-a+1 > maxUsers || len(out)+int(b-a+1) > maxUsers {
			return nil, fmt.Errorf("%q: more than %d users: %w", part, maxUsers, ErrRange)
		}
		for n := a; n <= b; n++ {
			s := strconv.FormatUint(n, 10)
			for len(s) < len(lo) {
				s = "0" + s
			}
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%q: empty: %w", spec, ErrRange)
	}
	return out, nil
}

// Password applies a --password-fmt to a user: "%s" is replaced by the
// user; a format without "%s" is one password shared by every user (the
// switch's CLI refuses passwords that contain the extension number).
func Password(format, user string) string {
	return strings.ReplaceAll(format, "%s", user)
}
