package store

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckPassword(t *testing.T) {
	cases := []struct {
		number, pw string
		why        string // substring of the error; "" = accepted
	}{
		{"100", "Xk3mPq9sTr", ""},
		{"100", "correct7horse", ""},
		{"100", "Zoë-und-7-Bären", ""},
		{"", "a1b2c3d4", ""},
		{"100", "1234", "too short"},
		{"100", "Ab3defg", "too short"},
		{"100", "", "too short"},
		{"100", "aaaaaaaaaa", "repeated"},
		{"100", "ééééééééé", "repeated"},
		{"100", "abcdefghij", "letters and digits"},
		{"100", "83920174652", "letters and digits"},
		{"100", "aaaaaaa1", "different characters"},
		{"100", "ab100cdxyz", "extension number"},
		{"12345678901", "x12345678901y", "extension number"},
		{"100", "xy12345gkz", "consecutive"},
		{"100", "zqabcdef9", "consecutive"},
		{"100", "k98765qzw", "consecutive"},
		{"100", "password1", "common"},
		{"100", "Password123", "common"},
		{"100", "P@ssw0rd1", "common"},
		{"100", "2024qwerty!", "common"},
		{"100", "trustno1", "common"},
		{"100", "hookswitch1", "common"},
		{"100", "a\tb1c2d3e4", "printable"},
		{"100", "a1" + strings.Repeat("bcd9", 40), "too long"},
		{"100", "\xff\xfe1abcdefg", "printable"},
	}
	for _, c := range cases {
		err := CheckPassword(c.number, c.pw)
		if c.why == "" {
			if err != nil {
				t.Errorf("CheckPassword(%q, %q) = %v, want nil", c.number, c.pw, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.why) {
			t.Errorf("CheckPassword(%q, %q) = %v, want error containing %q", c.number, c.pw, err, c.why)
			continue
		}
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != "password" || !errors.Is(err, ErrInvalid) {
			t.Errorf("CheckPassword(%q, %q): %v is not a password FieldError", c.number, c.pw, err)
		}
	}
}

func TestGeneratePassword(t *testing.T) {
	numbers := []string{"", "22", "23", "99", "234", "5678", "12345678901"}
	seen := map[string]bool{}
	for i := range 1000 {
		pw := GeneratePassword()
		if len(pw) != generatedLen {
			t.Fatalf("len(%q) = %d", pw, len(pw))
		}
		if strings.ContainsAny(pw, "0O1lIo") {
			t.Fatalf("%q has an ambiguous character", pw)
		}
		for _, n := range numbers {
			if err := CheckPassword(n, pw); err != nil {
				t.Fatalf("generated %q fails CheckPassword(%q): %v", pw, n, err)
			}
		}
		if seen[pw] {
			t.Fatalf("repeat after %d passwords: %q", i, pw)
		}
		seen[pw] = true
	}
}
