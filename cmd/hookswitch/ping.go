package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/hookswitch/hookswitch/web"
)

// pingCmd: `ping TARGET` has the running switch send SIP OPTIONS to an
// extension's registered contacts, a trunk's peer or a sip: URI, and
// prints each answer and its round trip. It fails when nothing answered.
func pingCmd(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("ping", flag.ContinueOnError)
	data := dataFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("ping: want one TARGET: an extension number, a trunk name or sip:host[:port][;transport=tcp]")
	}
	b, err := runningSwitch(*data, "ping", "it sends the OPTIONS from its own SIP sockets")
	if err != nil {
		return err
	}
	defer b.close()
	var rep web.PingReport
	if err := b.call("POST", "/api/v1/diagnostics/ping", web.PingRequest{Target: pos[0]}, &rep); err != nil {
		return fmt.Errorf("ping %s: %w", pos[0], err)
	}
	answered := 0
	for _, r := range rep.Results {
		if r.Status == 0 {
			fmt.Fprintf(stdout, "OPTIONS %s via %s to %s: no answer: %s\n", r.URI, r.Transport, r.Destination, printable(r.Error))
			continue
		}
		answered++
		fmt.Fprintf(stdout, "OPTIONS %s via %s to %s: %d %s in %.1f ms\n", r.URI, r.Transport, r.Destination, r.Status, printable(r.Reason), r.RTTMillis)
	}
	if answered == 0 {
		return fmt.Errorf("ping %s (%s): no answer", pos[0], rep.Kind)
	}
	return nil
}
