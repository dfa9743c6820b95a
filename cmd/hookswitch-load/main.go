// Command hookswitch-load is the load generator of issue 4: SIP calls,
// REGISTER storms and RTP streams over UDP, measured and judged against the
// pass criteria (no failed calls, p99 setup under 200 ms, RTP loss at most
// 0.1 % and added jitter p99 at most 5 ms). It shares no code with the
// switch, so it measures the switch rather than itself.
//
//	hookswitch-load uas      --listen 127.0.0.1:PORT [--register TARGET --users 2000-2099 --password-fmt 'pw-%s'] [--rtp] [--answer-delay 0s] [--duration 0] [--json FILE]
//	hookswitch-load calls    --target 127.0.0.1:PORT --to 2000-2099 [--from 1000-1099 --password-fmt 'pw-%s'] --rate 500 [--ramp 5s] --duration 20s [--hold 0s] [--max-concurrent 5000] [--rtp] [--json FILE]
//	hookswitch-load register --target 127.0.0.1:PORT --users 1000-1999 --password-fmt 'pw-%s' --rate 3000 --duration 20s [--no-reuse] [--json FILE]
//	hookswitch-load steps    (calls flags) --rates 250,500,1000 | --concurrency 100,500,1000 --hold 20s [--pause 2s]
//
// The exit status is 0 when the run completed (pass or fail is in the
// table and the JSON), 1 on a runtime error, 2 on a usage error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/hookswitch/hookswitch/cmd/hookswitch-load/load"
)

const usage = `usage: hookswitch-load uas|calls|register|steps [flags]
  uas       answer INVITEs (180, 200, RTP with --rtp), optionally register users first
  calls     place calls at a rate and measure setup time (and RTP with --rtp)
  register  REGISTER storm with digest authentication
  steps     run calls at increasing rates or concurrencies until a step fails
run 'hookswitch-load CMD -h' for the flags of CMD
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch args[0] {
	case "uas":
		err = runUAS(ctx, args[1:], stdout, stderr)
	case "calls":
		err = runCalls(ctx, args[1:], stdout, stderr)
	case "register":
		err = runRegister(ctx, args[1:], stdout, stderr)
	case "steps":
		err = runSteps(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "hookswitch-load: unknown command %q\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage), errors.Is(err, load.ErrConfig), errors.Is(err, load.ErrRange):
		fmt.Fprintf(stderr, "hookswitch-load %s: %v\n", args[0], err)
		return 2
	default:
		fmt.Fprintf(stderr, "hookswitch-load %s: %v\n", args[0], err)
		return 1
	}
}
