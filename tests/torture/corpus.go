package torture

import (
	"bytes"
	"embed"
	"encoding/hex"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed testdata/*.sip
var files embed.FS

// Names lists the corpus messages by their RFC 4475 short names, sorted.
func Names() []string {
	ents, _ := files.ReadDir("testdata")
	out := make([]string, 0, len(ents))
	for _, e := range ents {
		out = append(out, strings.TrimSuffix(e.Name(), ".sip"))
	}
	sort.Strings(out)
	return out
}

// Load returns the wire bytes of the message with an RFC 4475 short name.
func Load(name string) ([]byte, error) {
	text, err := files.ReadFile(path.Join("testdata", name+".sip"))
	if err != nil {
		return nil, fmt.Errorf("torture %s: %w", name, ErrUnknownMessage)
	}
	raw, err := Decode(text)
	if err != nil {
		return nil, fmt.Errorf("torture %s: %w", name, err)
	}
	return raw, nil
}

// All returns every message of the corpus by name.
func All() (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, n := range Names() {
		raw, err := Load(n)
		if err != nil {
			return nil, err
		}
		out[n] = raw
	}
	return out, nil
}

// Decode turns a message written in the notation of RFC 4475 section 2
// into wire bytes: every text line ends with CRLF; the lines between
// <allOneLine> and </allOneLine> form one line (2.1); <hex>..</hex> is
// raw octets (2.2); <repeat count=N>..</repeat> is N copies (2.3).
func Decode(text []byte) ([]byte, error) {
	lines := strings.Split(string(text), "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1] // the file's own final newline
	}
	var out bytes.Buffer
	var joined strings.Builder
	inOne := false
	for i, l := range lines {
		switch {
		case l == "<allOneLine>":
			if inOne {
				return nil, fmt.Errorf("line %d: nested allOneLine: %w", i+1, ErrNotation)
			}
			inOne = true
			joined.Reset()
			continue
		case l == "</allOneLine>":
			if !inOne {
				return nil, fmt.Errorf("line %d: stray /allOneLine: %w", i+1, ErrNotation)
			}
			inOne = false
			l = joined.String()
		case inOne:
			joined.WriteString(l)
			continue
		}
		b, err := inline(l)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		out.Write(b)
		out.WriteString("\r\n")
	}
	if inOne {
		return nil, fmt.Errorf("unclosed allOneLine: %w", ErrNotation)
	}
	return out.Bytes(), nil
}

// inline expands the <hex> and <repeat> tags of one line.
func inline(l string) ([]byte, error) {
	var out []byte
	for {
		i := strings.IndexByte(l, '<')
		if i < 0 {
			return append(out, l...), nil
		}
		out = append(out, l[:i]...)
		rest := l[i:]
		switch {
		case strings.HasPrefix(rest, "<hex>"):
			body, after, ok := strings.Cut(rest[len("<hex>"):], "</hex>")
			if !ok {
				return nil, fmt.Errorf("unclosed hex: %w", ErrNotation)
			}
			b, err := hex.DecodeString(body)
			if err != nil {
				return nil, fmt.Errorf("hex %q: %w", body, ErrNotation)
			}
			out = append(out, b...)
			l = after
		case strings.HasPrefix(rest, "<repeat count="):
			head, after, ok := strings.Cut(rest[len("<repeat count="):], ">")
			if !ok {
				return nil, fmt.Errorf("unclosed repeat tag: %w", ErrNotation)
			}
			n, err := strconv.Atoi(head)
			if err != nil || n < 0 || n > 1<<16 {
				return nil, fmt.Errorf("repeat count %q: %w", head, ErrNotation)
			}
			body, after, ok := strings.Cut(after, "</repeat>")
			if !ok {
				return nil, fmt.Errorf("unclosed repeat: %w", ErrNotation)
			}
			out = append(out, strings.Repeat(body, n)...)
			l = after
		default: // a literal '<', as in a name-addr
			out = append(out, '<')
			l = rest[1:]
		}
	}
}

// Aim points the top Via of a corpus request at port on 127.0.0.1. The
// corpus names 127.0.0.1 there without a port, and a server answers UDP at
// the source address but the Via port (RFC 3261 18.2.2), 5060 by default:
// a test sender must aim the answers at its own socket.
func Aim(raw []byte, port int) []byte {
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	start := -1
	for off := 0; off < len(head); {
		line, _, _ := bytes.Cut(head[off:], []byte("\r\n"))
		name, _, ok := bytes.Cut(line, []byte(":"))
		if n := strings.ToLower(strings.TrimSpace(string(name))); off > 0 && ok && (n == "via" || n == "v") {
			start = off
			break
		}
		off += len(line) + 2
	}
	if start < 0 {
		return raw
	}
	i := bytes.Index(raw[start:], []byte("127.0.0.1"))
	if i < 0 {
		return raw
	}
	i += start
	j := i + len("127.0.0.1")
	if j < len(raw) && raw[j] == ':' {
		for j++; j < len(raw) && raw[j] >= '0' && raw[j] <= '9'; j++ {
		}
	}
	out := append([]byte(nil), raw[:i]...)
	out = append(out, "127.0.0.1:"+strconv.Itoa(port)...)
	return append(out, raw[j:]...)
}
