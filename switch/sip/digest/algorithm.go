package digest

import (
	"crypto/md5"
	"crypto/sha256"
	"strings"
)

// Algorithm is a digest hash algorithm (RFC 7616 3.3, RFC 8760).
type Algorithm int

const (
	AlgorithmUnknown Algorithm = iota
	MD5
	SHA256
	MD5Sess    // HA1 = H(H(user:realm:password):nonce:cnonce) (RFC 2617 3.2.2.2)
	SHA256Sess // same with SHA-256
)

// String is the token used in the algorithm parameter.
func (a Algorithm) String() string {
	switch a {
	case MD5:
		return "MD5"
	case SHA256:
		return "SHA-256"
	case MD5Sess:
		return "MD5-sess"
	case SHA256Sess:
		return "SHA-256-sess"
	}
	return "unknown"
}

// ParseAlgorithm maps an algorithm parameter (case-insensitive) to an
// Algorithm. An empty value means MD5 (RFC 7616 3.4: "If this is not
// present, it is assumed to be MD5").
func ParseAlgorithm(s string) Algorithm {
	switch {
	case s == "" || strings.EqualFold(s, "MD5"):
		return MD5
	case strings.EqualFold(s, "SHA-256"):
		return SHA256
	case strings.EqualFold(s, "MD5-sess"):
		return MD5Sess
	case strings.EqualFold(s, "SHA-256-sess"):
		return SHA256Sess
	}
	return AlgorithmUnknown
}

// size is the raw digest length in bytes, 0 for an unknown algorithm.
func (a Algorithm) size() int {
	switch a {
	case MD5, MD5Sess:
		return md5.Size
	case SHA256, SHA256Sess:
		return sha256.Size
	}
	return 0
}

func (a Algorithm) sess() bool { return a == MD5Sess || a == SHA256Sess }

// sum writes H(data) into out and returns its length. It takes fixed-size
// arrays so that callers keep their buffers on the stack.
func (a Algorithm) sum(out *[sha256.Size]byte, data []byte) int {
	if a == MD5 || a == MD5Sess {
		s := md5.Sum(data)
		return copy(out[:], s[:])
	}
	*out = sha256.Sum256(data)
	return sha256.Size
}

// hexSum writes lowercase hex of H(data) into out and returns its length.
func (a Algorithm) hexSum(out *[2 * sha256.Size]byte, data []byte) int {
	var raw [sha256.Size]byte
	n := a.sum(&raw, data)
	const digits = "0123456789abcdef"
	for i, c := range raw[:n] {
		out[2*i] = digits[c>>4]
		out[2*i+1] = digits[c&0x0f]
	}
	return 2 * n
}
