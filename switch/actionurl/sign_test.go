package actionurl

import (
	"net/http"
	"testing"
	"time"
)

func TestSignKnownVector(t *testing.T) {
	// Computed independently with Python's hmac module (see docs/action-urls.md).
	const want = "sha256=1698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e098940"
	if got := Sign("s3cret", "1700000000", []byte(`{"a":1}`)); got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
	h := http.Header{}
	h.Set(HeaderTimestamp, "1700000000")
	h.Set(HeaderSignature, want)
	if err := Verify("s3cret", h, []byte(`{"a":1}`), time.Unix(1700000010, 0), time.Minute); err != nil {
		t.Fatal(err)
	}
	h.Set(HeaderSignature, "1698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e098940")
	if err := Verify("s3cret", h, []byte(`{"a":1}`), time.Unix(1700000010, 0), time.Minute); err == nil {
		t.Fatal("a signature without the sha256= prefix verified")
	}
	h.Set(HeaderTimestamp, "soon")
	if err := Verify("s3cret", h, nil, time.Now(), time.Minute); err == nil {
		t.Fatal("a non-numeric timestamp verified")
	}
}
