package digest

import (
	"testing"
	"time"
)

// benchVerify measures a REGISTER answered on a fresh nonce each time
// (the storm case: every request inserts into the replay table). Headers
// are built in untimed batches; the clock moves so that sweeps happen.
func benchVerify(b *testing.B, alg Algorithm) {
	clk := newFakeClock()
	a := New("hookswitch.test", Options{Algorithms: []Algorithm{alg}, Now: clk.Now})
	users := passwords(map[string]string{"1001": "secret"})
	const batch = 1024
	headers := make([]string, batch)
	cl := &client{user: "1001", pass: "secret", method: "REGISTER", uri: "sip:hookswitch.test", cnonce: "0a4f113b", qop: true}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%batch == 0 {
			b.StopTimer()
			clk.Add(time.Second)
			for j := range headers {
				cl.nc = 0
				headers[j] = cl.answer(challengeFor(b, a, alg))
			}
			b.StartTimer()
		}
		if _, err := a.Verify("REGISTER", headers[i%batch], users); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyMD5(b *testing.B)    { benchVerify(b, MD5) }
func BenchmarkVerifySHA256(b *testing.B) { benchVerify(b, SHA256) }

func BenchmarkChallenges(b *testing.B) {
	a := New("hookswitch.test", Options{})
	b.ReportAllocs()
	for b.Loop() {
		a.Challenges(false)
	}
}

func BenchmarkParseCredentials(b *testing.B) {
	h := formatCredentials(rfc2617)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseCredentials(h); err != nil {
			b.Fatal(err)
		}
	}
}
