package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/hookswitch/hookswitch/cmd/hookswitch-load/load"
)

// newFlags makes a flag set that reports errors instead of exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("hookswitch-load "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q: %w", fs.Arg(0), errUsage)
	}
	return nil
}

func users(spec, flagName string, required bool) ([]string, error) {
	if spec == "" {
		if required {
			return nil, fmt.Errorf("--%s is required: %w", flagName, errUsage)
		}
		return nil, nil
	}
	u, err := load.ParseUsers(spec)
	if err != nil {
		return nil, fmt.Errorf("--%s: %w", flagName, err)
	}
	return u, nil
}

// report prints the table and writes the JSON.
func report(stdout io.Writer, jsonPath string, rs ...*load.Result) error {
	load.PrintHeader(stdout)
	for _, r := range rs {
		load.PrintRow(stdout, r)
	}
	if jsonPath == "" {
		return nil
	}
	if len(rs) == 1 {
		return load.WriteJSON(jsonPath, rs[0])
	}
	return load.WriteJSON(jsonPath, rs)
}

func runUAS(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("uas", stderr)
	listen := fs.String("listen", "127.0.0.1:0", "SIP UDP address to listen on")
	register := fs.String("register", "", "registrar ip:port; register every --users user with this address as contact")
	userSpec := fs.String("users", "", "users to register, e.g. 2000-2099")
	pwFmt := fs.String("password-fmt", "pw-%s", "password of a user: %s is replaced by the user (no %s: one shared password)")
	rtp := fs.Bool("rtp", false, "send G.711 20 ms RTP on every call and measure what arrives")
	delay := fs.Duration("answer-delay", 0, "time between 180 and 200")
	duration := fs.Duration("duration", 0, "stop after this long (0: on SIGINT/SIGTERM)")
	expires := fs.Int("expires", 600, "registration expiry, seconds (refreshed at half)")
	regRate := fs.Float64("register-rate", 500, "REGISTERs per second when registering at start")
	jsonPath := fs.String("json", "", "write the result as JSON to this file")
	quiet := fs.Bool("quiet", false, "no progress lines on stderr")
	if err := parse(fs, args); err != nil {
		return err
	}
	us, err := users(*userSpec, "users", *register != "")
	if err != nil {
		return err
	}
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}
	cfg := load.UASConfig{Listen: *listen, Register: *register, Users: us, PasswordFmt: *pwFmt, RTP: *rtp,
		AnswerDelay: *delay, Expires: *expires, RegRate: *regRate}
	if !*quiet {
		cfg.Progress = stderr
	}
	r, err := load.RunUAS(ctx, cfg)
	if err != nil {
		return err
	}
	return report(stdout, *jsonPath, r)
}

// callFlags are the flags of calls and steps.
type callFlags struct {
	target, to, from, pwFmt, jsonPath string
	rate                              float64
	ramp, duration, hold, timeout     time.Duration
	maxConc, sockets                  int
	rtp, quiet                        bool
}

func (c *callFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&c.target, "target", "", "SIP server (or UAS) ip:port")
	fs.StringVar(&c.to, "to", "", "callees, e.g. 2000-2099 (round-robin)")
	fs.StringVar(&c.from, "from", "", "callers, e.g. 1000-1099 (round-robin, digest auth); none: unauthenticated")
	fs.StringVar(&c.pwFmt, "password-fmt", "pw-%s", "password of a caller: %s is replaced by the user (no %s: one shared password)")
	fs.Float64Var(&c.rate, "rate", 0, "calls per second")
	fs.DurationVar(&c.ramp, "ramp", 0, "linear ramp from 0 to --rate")
	fs.DurationVar(&c.duration, "duration", 0, "how long new calls are started")
	fs.DurationVar(&c.hold, "hold", 0, "answered -> BYE")
	fs.IntVar(&c.maxConc, "max-concurrent", 5000, "calls in progress at most (0: no cap); calls over the cap are skipped")
	fs.BoolVar(&c.rtp, "rtp", false, "send G.711 20 ms RTP while a call is held and measure what arrives")
	fs.DurationVar(&c.timeout, "timeout", 10*time.Second, "no final response within this: a timeout")
	fs.IntVar(&c.sockets, "sockets", 4, "SIP sockets to spread calls over")
	fs.StringVar(&c.jsonPath, "json", "", "write the result as JSON to this file")
	fs.BoolVar(&c.quiet, "quiet", false, "no progress lines on stderr")
}

func (c *callFlags) config(stderr io.Writer) (load.CallsConfig, error) {
	if c.target == "" {
		return load.CallsConfig{}, fmt.Errorf("--target is required: %w", errUsage)
	}
	to, err := users(c.to, "to", true)
	if err != nil {
		return load.CallsConfig{}, err
	}
	from, err := users(c.from, "from", false)
	if err != nil {
		return load.CallsConfig{}, err
	}
	cfg := load.CallsConfig{Target: c.target, To: to, From: from, PasswordFmt: c.pwFmt, Rate: c.rate, Ramp: c.ramp,
		Duration: c.duration, Hold: c.hold, MaxConcurrent: c.maxConc, RTP: c.rtp, Timeout: c.timeout, Sockets: c.sockets}
	if !c.quiet {
		cfg.Progress = stderr
	}
	return cfg, nil
}

func runCalls(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("calls", stderr)
	var cf callFlags
	cf.define(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := cf.config(stderr)
	if err != nil {
		return err
	}
	r, err := load.RunCalls(ctx, cfg)
	if err != nil {
		return err
	}
	return report(stdout, cf.jsonPath, r)
}

func runRegister(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("register", stderr)
	target := fs.String("target", "", "registrar ip:port")
	userSpec := fs.String("users", "", "users, e.g. 1000-1999 (round-robin)")
	pwFmt := fs.String("password-fmt", "pw-%s", "password of a user: %s is replaced by the user (no %s: one shared password)")
	rate := fs.Float64("rate", 0, "REGISTER operations per second")
	ramp := fs.Duration("ramp", 0, "linear ramp from 0 to --rate")
	duration := fs.Duration("duration", 0, "how long operations are started")
	noReuse := fs.Bool("no-reuse", false, "every REGISTER starts without credentials and takes a fresh 401")
	expires := fs.Int("expires", 600, "Expires of each REGISTER, seconds")
	timeout := fs.Duration("timeout", 10*time.Second, "no final response within this: a timeout")
	sockets := fs.Int("sockets", 4, "SIP sockets (users are split over them)")
	jsonPath := fs.String("json", "", "write the result as JSON to this file")
	quiet := fs.Bool("quiet", false, "no progress lines on stderr")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *target == "" {
		return fmt.Errorf("--target is required: %w", errUsage)
	}
	us, err := users(*userSpec, "users", true)
	if err != nil {
		return err
	}
	cfg := load.RegisterConfig{Target: *target, Users: us, PasswordFmt: *pwFmt, Rate: *rate, Ramp: *ramp,
		Duration: *duration, NoReuse: *noReuse, Expires: *expires, Timeout: *timeout, Sockets: *sockets}
	if !*quiet {
		cfg.Progress = stderr
	}
	r, err := load.RunRegister(ctx, cfg)
	if err != nil {
		return err
	}
	return report(stdout, *jsonPath, r)
}

func runSteps(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("steps", stderr)
	var cf callFlags
	cf.define(fs)
	rates := fs.String("rates", "", "calls/s of each step, e.g. 250,500,1000,2000 (each runs --duration)")
	conc := fs.String("concurrency", "", "held calls of each step, e.g. 100,250,500,1000: rate = N / --hold, duration = 2 x --hold")
	pause := fs.Duration("pause", 2*time.Second, "pause between steps")
	if err := parse(fs, args); err != nil {
		return err
	}
	if (*rates == "") == (*conc == "") {
		return fmt.Errorf("give exactly one of --rates and --concurrency: %w", errUsage)
	}
	byConc := *conc != ""
	list := *rates
	if byConc {
		list = *conc
		if cf.hold <= 0 {
			return fmt.Errorf("--concurrency needs --hold: %w", errUsage)
		}
	}
	var steps []float64
	for s := range strings.SplitSeq(list, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || v <= 0 {
			return fmt.Errorf("step %q: %w", s, errUsage)
		}
		steps = append(steps, v)
	}
	if byConc {
		cf.rate, cf.duration = 1, 2*cf.hold
	} else if cf.duration <= 0 {
		return fmt.Errorf("--duration is required: %w", errUsage)
	}
	cfg, err := cf.config(stderr)
	if err != nil {
		return err
	}
	var results []*load.Result
	load.PrintHeader(stdout)
	for i, v := range steps {
		if i > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(*pause):
			}
		}
		if ctx.Err() != nil {
			break
		}
		c := cfg
		c.Rate = v
		if byConc {
			c.Rate = v / cf.hold.Seconds()
		}
		r, err := load.RunCalls(ctx, c)
		if err != nil {
			return err
		}
		r.Step = i + 1
		results = append(results, r)
		load.PrintRow(stdout, r)
		if !r.Pass {
			break
		}
	}
	if cf.jsonPath != "" {
		return load.WriteJSON(cf.jsonPath, results)
	}
	return nil
}
