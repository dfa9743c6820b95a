package store

import (
	crand "crypto/rand"
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	MinPasswordLen = 8
	generatedLen   = 16
	minDistinct    = 4
	maxSequence    = 4 // "1234" is allowed, "12345" is not
)

// commonPasswords are refused even with digits or symbols around them and
// with simple letter-for-digit swaps ("P@ssw0rd1" is "password").
var commonPasswords = map[string]bool{
	"password": true, "passwort": true, "pass": true, "passwd": true, "secret": true,
	"qwerty": true, "qwertz": true, "azerty": true, "asdf": true, "asdfgh": true, "zxcvbn": true,
	"abc": true, "abcd": true, "abcdef": true, "letmein": true, "welcome": true, "admin": true,
	"administrator": true, "root": true, "changeme": true, "default": true, "test": true,
	"guest": true, "user": true, "login": true, "iloveyou": true, "loveyou": true, "monkey": true,
	"dragon": true, "master": true, "shadow": true, "sunshine": true, "princess": true,
	"football": true, "baseball": true, "soccer": true, "superman": true, "batman": true,
	"trustnoi": true, "hello": true, "freedom": true, "whatever": true, "starwars": true,
	"phone": true, "voip": true, "sip": true, "pbx": true, "asterisk": true, "hookswitch": true,
}

// deleet undoes the usual digit/symbol-for-letter swaps.
var deleet = strings.NewReplacer("0", "o", "1", "i", "3", "e", "4", "a", "5", "s", "7", "t", "@", "a", "$", "s", "!", "i")

// CheckPassword reports why pw is too weak for extension number, or nil. The
// rules: at least 8 characters, letters and digits, at least 4 different
// characters, no run of 5 consecutive characters ("12345", "abcde"), not
// containing the extension number, not a common password. Errors are
// *FieldError for field "password".
func CheckPassword(number, pw string) error {
	n := utf8.RuneCountInString(pw)
	_, first := utf8.DecodeRuneInString(pw)
	switch {
	case !utf8.ValidString(pw) || hasControl(pw):
		return invalid("password", "must be printable text")
	case n < MinPasswordLen:
		return invalid("password", fmt.Sprintf("too short: at least %d characters", MinPasswordLen))
	case len(pw) > maxPasswordLen:
		return invalid("password", fmt.Sprintf("too long: at most %d bytes", maxPasswordLen))
	case strings.Count(pw, pw[:first])*first == len(pw):
		return invalid("password", "is one character repeated")
	}
	var letter, digit bool
	distinct := map[rune]bool{}
	for _, r := range pw {
		letter = letter || unicode.IsLetter(r)
		digit = digit || unicode.IsDigit(r)
		distinct[r] = true
	}
	switch {
	case !letter || !digit:
		return invalid("password", "must contain both letters and digits")
	case len(distinct) < minDistinct:
		return invalid("password", fmt.Sprintf("must use at least %d different characters", minDistinct))
	case number != "" && strings.Contains(pw, number):
		return invalid("password", "must not contain the extension number")
	case hasSequence(strings.ToLower(pw)):
		return invalid("password", fmt.Sprintf("must not contain a run of more than %d consecutive characters like 12345 or abcde", maxSequence))
	case isCommon(pw):
		return invalid("password", "is a common password")
	}
	return nil
}

// hasSequence reports a run of more than maxSequence characters each one
// above (or each one below) the previous.
func hasSequence(s string) bool {
	up, down := 1, 1
	for i := 1; i < len(s); i++ {
		d := 0 // only ASCII letters and digits form sequences
		if isAlnum(s[i]) && isAlnum(s[i-1]) {
			d = int(s[i]) - int(s[i-1])
		}
		if d == 1 {
			up++
		} else {
			up = 1
		}
		if d == -1 {
			down++
		} else {
			down = 1
		}
		if up > maxSequence || down > maxSequence {
			return true
		}
	}
	return false
}

func isAlnum(c byte) bool { return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isCommon(pw string) bool {
	lower := strings.ToLower(pw)
	const pad = "0123456789!@#$%^&*()-_=+.,?~ "
	for _, c := range []string{lower, strings.Trim(lower, pad)} {
		if commonPasswords[c] || commonPasswords[deleet.Replace(c)] {
			return true
		}
	}
	return false
}

// Alphabets without look-alikes (0/O/o, 1/l/I).
const (
	pwLetters = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
	pwDigits  = "23456789"
	pwAll     = pwLetters + pwDigits
)

// GeneratePassword returns a random 16-character password that passes
// CheckPassword for every valid extension number: no two digits are
// adjacent, so no number of 2 or more digits can appear in it.
func GeneratePassword() string {
	var seed [32]byte
	crand.Read(seed[:]) // never fails (Go 1.24+)
	r := rand.New(rand.NewChaCha8(seed))
	buf := make([]byte, generatedLen)
	for {
		digits := 0
		for i := range buf {
			set := pwAll
			if i > 0 && isDigit(buf[i-1]) {
				set = pwLetters
			}
			buf[i] = set[r.IntN(len(set))]
			if isDigit(buf[i]) {
				digits++
			}
		}
		pw := string(buf)
		if digits >= 2 && strings.ToLower(pw) != pw && strings.ToUpper(pw) != pw && CheckPassword("", pw) == nil {
			return pw
		}
	}
}
