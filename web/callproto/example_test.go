package callproto_test

import (
	"fmt"

	"github.com/hookswitch/hookswitch/web/callproto"
)

// A server's handling of one frame: parse, validate, answer.
func Example() {
	frame := []byte("op=1012\r\nseq=41\r\ncid=Kq3vT9xLm2Pw8ZrB5nYc4HdF\r\ndtmf=#\r\n")
	m, err := callproto.Parse(frame)
	if err == nil {
		err = callproto.Validate(m)
	}
	if err != nil {
		fmt.Printf("%s\n", callproto.Refuse(m, err).Encode())
		return
	}
	// ... send the digit on call m.Get(callproto.KeyCID) ...
	fmt.Printf("%s\n", callproto.Ack(m, callproto.CodeProcessing).Encode())
	// Output:
	// op=2012
	// seq=41
	// code=0
}

func ExampleProof() {
	// The client's pwd for op 1001, given the nonce of its 4001.
	fmt.Println(callproto.Proof("s3cret-Pa55", "8d2c4f0a6b1e47d3a95f2e6c1b0d7a34", "1001"))
	// Output: 05673a45a2a5bd520f4e3fe4819ab942eebc9a7d2101fdbcf75d4e9ed274227e
}
