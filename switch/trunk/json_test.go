package trunk

import (
	"encoding/json"
	"testing"
)

// A report survives a JSON round trip: the CLI reads what the API sends.
func TestReportJSONRoundTrip(t *testing.T) {
	for st := StateUnknown; st <= StateStopped; st++ {
		for h := HealthUnknown; h <= HealthDown; h++ {
			in := Report{Name: "t", Kind: "register", Registration: &Status{State: st}, Qualify: &QualifyStatus{Health: h}}
			b, err := json.Marshal(in)
			if err != nil {
				t.Fatal(err)
			}
			var out Report
			if err := json.Unmarshal(b, &out); err != nil {
				t.Fatalf("%s: %v", b, err)
			}
			if out.Registration.State != st || out.Qualify.Health != h {
				t.Fatalf("%s read back as %v/%v", b, out.Registration.State, out.Qualify.Health)
			}
		}
	}
	var s State
	if err := json.Unmarshal([]byte(`"bogus"`), &s); err == nil {
		t.Fatal("an unknown state was read")
	}
}
