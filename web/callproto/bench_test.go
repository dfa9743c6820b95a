package callproto

import "testing"

func BenchmarkParseCall(b *testing.B) {
	frame := goodCommands()[OpCall].Encode()
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		if _, err := Parse(frame); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeCall(b *testing.B) {
	m := goodCommands()[OpCall]
	b.SetBytes(int64(len(m.Encode())))
	for b.Loop() {
		m.Encode()
	}
}

func BenchmarkValidateCall(b *testing.B) {
	m := goodCommands()[OpCall]
	for b.Loop() {
		if err := Validate(m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckProof(b *testing.B) {
	n := Nonce()
	p := Proof("secret", n, "1001")
	for b.Loop() {
		if !CheckProof(p, "secret", n, "1001") {
			b.Fatal("refused")
		}
	}
}
