package abi

import (
	"errors"
	"strconv"
	"unicode/utf8"
)

// The encoding of requests and decisions: fields in a fixed order, no
// names, no padding. Each message's layout is documented on its type.
//
//	u8, u16, u32   little-endian unsigned integers of 1, 2, 4 bytes
//	i64            little-endian two's complement, 8 bytes
//	bool           u8: 0 false, 1 true (anything else is malformed)
//	str            u32 length n, then n bytes (UTF-8 where the field is text)
//	list<T>        u32 count n, then n T
//
// A message must be consumed exactly: trailing bytes are malformed.

// ErrMalformed wraps every decoding error.
var ErrMalformed = errors.New("malformed message")

// Writer appends fields to a byte slice. The zero value is ready (and
// writes the original layouts); reuse one by setting B to B[:0].
type Writer struct {
	B []byte
	// Features are the layout features (LayoutFeatures) in use with the
	// other side: messages append the fields that they add.
	Features uint32
}

func (w *Writer) U8(v uint8)   { w.B = append(w.B, v) }
func (w *Writer) U16(v uint16) { w.B = append(w.B, byte(v), byte(v>>8)) }

func (w *Writer) U32(v uint32) { w.B = append(w.B, byte(v), byte(v>>8), byte(v>>16), byte(v>>24)) }

func (w *Writer) I64(v int64) {
	w.U32(uint32(v))
	w.U32(uint32(uint64(v) >> 32))
}

func (w *Writer) Bool(v bool) {
	if v {
		w.U8(1)
	} else {
		w.U8(0)
	}
}

func (w *Writer) Str(s string) {
	w.U32(uint32(len(s)))
	w.B = append(w.B, s...)
}

func (w *Writer) Bytes(b []byte) {
	w.U32(uint32(len(b)))
	w.B = append(w.B, b...)
}

func (w *Writer) Strs(list []string) {
	w.U32(uint32(len(list)))
	for _, s := range list {
		w.Str(s)
	}
}

// Reader decodes fields. It copies the message once into a string and
// hands out substrings of it: one allocation per message however many
// fields it has (allocating is what costs most in a Go guest), and the
// strings stay valid when the input buffer is reused. The first error
// sticks: later reads return zero values, and Err reports the first
// problem with the field that caused it.
type Reader struct {
	s   string
	off int
	err error
	// Features are the layout features (LayoutFeatures) in use with the
	// other side, as for Writer; Reset keeps them.
	Features uint32
}

// NewReader reads a copy of b in the original layouts.
func NewReader(b []byte) *Reader { return &Reader{s: string(b)} }

// Reset makes r read a copy of b, so that one Reader serves many messages.
func (r *Reader) Reset(b []byte) { *r = Reader{s: string(b), Features: r.Features} }

// routing reports whether the routing layouts are in use.
func (w *Writer) routing() bool { return w.Features&FeatureRouting != 0 }
func (r *Reader) routing() bool { return r.Features&FeatureRouting != 0 }

// settings reports whether the settings layouts are in use.
func (w *Writer) settings() bool { return w.Features&FeatureSettings != 0 }
func (r *Reader) settings() bool { return r.Features&FeatureSettings != 0 }

func (r *Reader) take(field string, n int) (string, bool) {
	if r.err != nil {
		return "", false
	}
	if n < 0 || len(r.s)-r.off < n {
		r.fail(field, "want "+itoa(n)+" bytes, "+itoa(len(r.s)-r.off)+" left")
		return "", false
	}
	b := r.s[r.off : r.off+n]
	r.off += n
	return b, true
}

func (r *Reader) U8(field string) uint8 {
	if b, ok := r.take(field, 1); ok {
		return b[0]
	}
	return 0
}

func (r *Reader) U16(field string) uint16 {
	if b, ok := r.take(field, 2); ok {
		return uint16(b[0]) | uint16(b[1])<<8
	}
	return 0
}

func (r *Reader) U32(field string) uint32 {
	if b, ok := r.take(field, 4); ok {
		return le32(b)
	}
	return 0
}

func (r *Reader) I64(field string) int64 {
	if b, ok := r.take(field, 8); ok {
		return int64(uint64(le32(b)) | uint64(le32(b[4:]))<<32)
	}
	return 0
}

func (r *Reader) Bool(field string) bool {
	switch v := r.U8(field); v {
	case 0:
		return false
	case 1:
		return true
	default:
		r.fail(field, "bool must be 0 or 1, got "+itoa(int(v)))
		return false
	}
}

// Bytes reads a str as raw bytes.
func (r *Reader) Bytes(field string) []byte {
	s := r.Str(field)
	if r.err != nil {
		return nil
	}
	return []byte(s)
}

// Str reads a str without checking its encoding.
func (r *Reader) Str(field string) string {
	n := r.U32(field)
	if r.err != nil {
		return ""
	}
	s, _ := r.take(field, int(min(n, 1<<31-1)))
	return s
}

// Text reads a str that must be UTF-8.
func (r *Reader) Text(field string) string {
	s := r.Str(field)
	if r.err == nil && !utf8.ValidString(s) {
		r.fail(field, "not UTF-8")
		return ""
	}
	return s
}

// Count reads a list length, refusing one that cannot fit in what is left
// (each element takes at least minElem bytes), so that a forged count
// cannot make the reader allocate.
func (r *Reader) Count(field string, minElem int) int {
	n := r.U32(field)
	if r.err != nil {
		return 0
	}
	if left := len(r.s) - r.off; uint64(n)*uint64(max(minElem, 1)) > uint64(left) {
		r.fail(field, "count "+strconv.FormatUint(uint64(n), 10)+" cannot fit in "+itoa(left)+" bytes")
		return 0
	}
	return int(n)
}

// Strs reads a list<str>; text requires UTF-8.
func (r *Reader) Strs(field string, text bool) []string {
	n := r.Count(field, 4)
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		if text {
			out[i] = r.Text(field)
		} else {
			out[i] = r.Str(field)
		}
	}
	return out
}

// Err is the first error, or trailing bytes after a complete message.
func (r *Reader) Err() error {
	if r.err == nil && r.off != len(r.s) {
		r.err = &malformed{itoa(len(r.s)-r.off) + " trailing bytes"}
	}
	return r.err
}

// malformed is a decoding error; errors.Is matches ErrMalformed. (No fmt:
// it would double the size of a Go guest.)
type malformed struct{ msg string }

func (e *malformed) Error() string        { return ErrMalformed.Error() + ": " + e.msg }
func (e *malformed) Is(target error) bool { return target == ErrMalformed }

func (r *Reader) fail(field, msg string) {
	if r.err == nil {
		r.err = &malformed{"field " + field + " at byte " + strconv.Itoa(r.off) + ": " + msg}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// le32 reads a little-endian u32 (encoding/binary would pull reflect into
// every guest).
func le32(b string) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}
