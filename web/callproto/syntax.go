package callproto

import (
	"fmt"
	"strings"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// Field length limits beyond the format's own.
const (
	MaxDisplayLen = 128  // disp
	MaxSkillLen   = 64   // skill
	MaxCDataLen   = 1024 // cdata
	MaxTextLen    = 4096 // msg (RFC 3428 6 asks for less than 1300 bytes over UDP)
	MaxCallIDLen  = 256  // cid
	MaxURILen     = 256  // mto, and from/to of op 1009
	MaxURLLen     = 2048 // pbook
	MaxTokenLen   = 128  // ucid, aid
	MaxMIDLen     = 64   // mid
	MaxBLFExts    = 200  // entries in an ext list
	NonceLen      = 32   // hex digits of a nonce (128 bits)
	ProofLen      = 64   // hex digits of a proof (HMAC-SHA256)
	MaxSDPLen     = MaxValueLen
)

// syntax is a value check with the words that describe it in errors.
type syntax struct {
	words string
	ok    func(string) bool
}

var (
	synUser = syntax{fmt.Sprintf("a SIP user part (1-%d letters, digits or %s)", hook.MaxCallerIDLen, hook.UserPartSpecial),
		hook.ValidUserPart}
	synCallID = syntax{fmt.Sprintf("a SIP Call-ID (RFC 3261 word or word@word, at most %d bytes)", MaxCallIDLen), validCallID}
	synSDP    = syntax{fmt.Sprintf("an SDP body starting with v=0 and a line end, at most %d bytes", MaxSDPLen), validSDP}
	synProof  = syntax{fmt.Sprintf("%d hexadecimal digits (the HMAC-SHA256 password proof)", ProofLen), func(v string) bool {
		return len(v) == ProofLen && isHex(v, false)
	}}
	synNonce = syntax{fmt.Sprintf("the session nonce (%d lowercase hexadecimal digits)", NonceLen), func(v string) bool {
		return len(v) == NonceLen && isHex(v, true)
	}}
	synDTMF = syntax{"one DTMF digit: 0-9, *, #, A, B, C or D", func(v string) bool {
		return len(v) == 1 && strings.Contains("0123456789*#ABCD", v)
	}}
	synURI = syntax{fmt.Sprintf("a SIP user part or a sip: or sips: URI without spaces, at most %d bytes", MaxURILen), validURI}
	synURL = syntax{fmt.Sprintf("an http(s) URL or an absolute path without spaces, at most %d bytes", MaxURLLen), validURL}
	synExt = syntax{fmt.Sprintf("1-%d SIP user parts separated by commas, no spaces", MaxBLFExts), validExtList}
	synVM  = syntax{"new/old (urgent new/urgent old) counts, e.g. 2/8 (0/2)", validVM}

	synDisp   = line(MaxDisplayLen)
	synSkill  = line(MaxSkillLen)
	synCData  = line(MaxCDataLen)
	synReason = line(MaxReasonLen)
	synMsg    = text(MaxTextLen)
	synXML    = text(MaxValueLen)
	synMID    = token(MaxMIDLen)
	synToken  = token(MaxTokenLen)

	synBool      = ints(0, 1)
	synSIPCode   = ints(300, 699)
	synSIPStatus = ints(100, 699)
	synRegState  = syntax{"0, -1, -2, -3 or a SIP status from -300 to -699", func(v string) bool {
		n, ok := parseInt(v)
		return ok && (n <= 0 && n >= -3 || n <= -300 && n >= -699)
	}}
	synReportCode = syntax{"0, -1 or a SIP status from -300 to -699", func(v string) bool {
		n, ok := parseInt(v)
		return ok && (n == 0 || n == -1 || n <= -300 && n >= -699)
	}}
	synBLFState = syntax{"0 or a negative error (a SIP status negated, e.g. -404)", func(v string) bool {
		n, ok := parseInt(v)
		return ok && n <= 0 && n >= -699
	}}
)

// ints accepts decimal integers lo..hi.
func ints(lo, hi int) syntax {
	return syntax{fmt.Sprintf("an integer from %d to %d", lo, hi), func(v string) bool {
		n, ok := parseInt(v)
		return ok && n >= lo && n <= hi
	}}
}

// line accepts one line of text of at most max bytes.
func line(max int) syntax {
	return syntax{fmt.Sprintf("one line of text, at most %d bytes", max), func(v string) bool {
		return len(v) <= max && isText(v) && !strings.ContainsAny(v, "\r\n")
	}}
}

// text accepts text with line breaks, at most max bytes.
func text(max int) syntax {
	return syntax{fmt.Sprintf("text, at most %d bytes", max), func(v string) bool {
		return len(v) <= max && isText(v)
	}}
}

// token accepts printable ASCII without spaces.
func token(max int) syntax {
	return syntax{fmt.Sprintf("1-%d printable ASCII characters without spaces", max), func(v string) bool {
		return v != "" && len(v) <= max && printableASCII(v)
	}}
}

// parseInt takes an optional '-' and 1-6 digits, without leading zeros or
// "-0": one spelling per number.
func parseInt(v string) (int, bool) {
	neg := strings.HasPrefix(v, "-")
	d := strings.TrimPrefix(v, "-")
	if d == "" || len(d) > 6 || len(d) > 1 && d[0] == '0' || neg && d == "0" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return 0, false
		}
		n = n*10 + int(d[i]-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

func isHex(v string, lowerOnly bool) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || !lowerOnly && c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func printableASCII(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] <= ' ' || v[i] >= 0x7f {
			return false
		}
	}
	return true
}

// validCallID: callid = word [ "@" word ] (RFC 3261 25.1).
func validCallID(v string) bool {
	if len(v) > MaxCallIDLen {
		return false
	}
	a, b, at := strings.Cut(v, "@")
	return isWord(a) && (!at || isWord(b))
}

// isWord: 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" /
// "'" / "~" / "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" /
// "]" / "?" / "{" / "}") (RFC 3261 25.1).
func isWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-.!%*_+`'~()<>:\\\"/[]?{}", c) >= 0) {
			return false
		}
	}
	return true
}

// validSDP checks the frame only (RFC 8866 5: v=0 comes first); the media
// layer parses the body.
func validSDP(v string) bool {
	return len(v) <= MaxSDPLen && isText(v) && (strings.HasPrefix(v, "v=0\r\n") || strings.HasPrefix(v, "v=0\n"))
}

// validURI accepts a user part or a sip:/sips: URI; the switch parses the
// URI itself before it uses it.
func validURI(v string) bool {
	if hook.ValidUserPart(v) {
		return true
	}
	if len(v) > MaxURILen {
		return false
	}
	lower := strings.ToLower(v)
	rest, ok := strings.CutPrefix(lower, "sip:")
	if !ok {
		rest, ok = strings.CutPrefix(lower, "sips:")
	}
	return ok && rest != "" && printableASCII(rest) && !strings.ContainsAny(rest, "<>\"")
}

func validURL(v string) bool {
	if v == "" || len(v) > MaxURLLen || !printableASCII(v) {
		return false
	}
	lower := strings.ToLower(v)
	if rest, ok := strings.CutPrefix(lower, "https://"); ok {
		return rest != ""
	}
	if rest, ok := strings.CutPrefix(lower, "http://"); ok {
		return rest != ""
	}
	return v[0] == '/' && !strings.HasPrefix(v, "//")
}

func validExtList(v string) bool {
	exts := strings.Split(v, ",")
	if len(exts) > MaxBLFExts {
		return false
	}
	for _, e := range exts {
		if !hook.ValidUserPart(e) {
			return false
		}
	}
	return true
}

// validVM: N/M or N/M (U/V), the Voice-Message line of RFC 3842 5.2.
func validVM(v string) bool {
	counts, urgent, hasUrgent := strings.Cut(v, " ")
	if !pair(counts) {
		return false
	}
	if !hasUrgent {
		return true
	}
	inner, ok := strings.CutPrefix(urgent, "(")
	if !ok {
		return false
	}
	inner, ok = strings.CutSuffix(inner, ")")
	return ok && pair(inner)
}

// pair: N/M, each 1-6 digits.
func pair(s string) bool {
	a, b, ok := strings.Cut(s, "/")
	return ok && digits(a) && digits(b)
}

func digits(s string) bool {
	if s == "" || len(s) > 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
