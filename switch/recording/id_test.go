package recording

import (
	"testing"
	"time"
)

func TestID(t *testing.T) {
	at := time.Date(2026, 11, 22, 19, 1, 2, 0, time.FixedZone("CET", 3600))
	id := NewID(at)
	if !ValidID(id) || id[:17] != "20261122T180102Z-" {
		t.Fatalf("NewID = %q", id)
	}
	if NewID(at) == id {
		t.Fatal("two ids alike")
	}
	for _, bad := range []string{
		"", "20261122T180102Z-0a0b0c0", "20261122T180102Z-0a0b0c0d0",
		"20261122T180102Z-0A0B0C0D", "20261122X180102Z-0a0b0c0d", "20261122T180102Y-0a0b0c0d",
		"20261122T180102Z_0a0b0c0d", "2026112xT180102Z-0a0b0c0d", "../../../../../../etc/pass",
		"20261122T180102Z-0a0b/c0d", "20261122T180102Z-0a0b..0d", "20261122T180102Z-0a0b0c0g",
	} {
		if ValidID(bad) {
			t.Errorf("ValidID(%q) = true", bad)
		}
	}
}
