package httpallow

import (
	"net/url"
	"testing"
)

func TestAllowList(t *testing.T) {
	a, err := Parse([]string{"api.example.com", "hooks.example.com:8443", "[::1]:9000", "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	for raw, want := range map[string]bool{
		"https://api.example.com/x":       true,
		"http://api.example.com:80/":      true,
		"http://API.example.com/":         true,
		"http://api.example.com:8080/":    false,
		"https://hooks.example.com:8443":  true,
		"https://hooks.example.com/":      false,
		"http://[::1]:9000/":              true,
		"http://[::1]:9001/":              false,
		"http://127.0.0.1/":               true,
		"http://127.0.0.1:8080/":          false,
		"http://evil.com/api.example.com": false,
	} {
		u, _ := url.Parse(raw)
		if got := a.Permits(u); got != want {
			t.Errorf("%s: %v, want %v", raw, got, want)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, e := range []string{"http://x/", "", "a b", "user@host", ":80", "host:"} {
		if _, err := Parse([]string{e}); err == nil {
			t.Errorf("allow entry %q was accepted", e)
		}
	}
}
