//go:build !wasip1

package hs

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hookswitch/hookswitch/sdk/abi"
)

// host is a Fake outside Wasm, so that plugin code runs in native tests.
var host Host = NewFake()

// layout: the Fake stands for a current switch, which offers every layout
// feature.
var layout uint32 = abi.LayoutFeatures

// SetHost replaces the host (native builds only): give tests a Fake with
// the extensions, keys and call results they need.
func SetHost(h Host) { host = h }

// Fake is an in-memory Host for native tests: a directory, a KV map, a
// log, HTTP answers from a function, and call primitives that record what
// a program did and answer from scripted results.
type Fake struct {
	mu   sync.Mutex
	Dir  map[string]Extension
	KV   map[string]string
	Logs []string
	Ops  []string // the call primitives used, in order: "answer", "bridge(1001,1002)", ...
	// HTTPFunc answers HTTP; nil fails every request.
	HTTPFunc func(HTTPRequest) (HTTPResponse, error)
	// BridgeResults answer bridges in turn (the last repeats; none:
	// not answered, 480). Digits answer collects in turn (then
	// ErrNotAvailable), as Records answer RecordEx, Conferences answer
	// Conference and Queues answer Queue. A record, conference or queue
	// result with HungUp set ends the call as the switch does: every later
	// primitive returns ErrHungUp.
	BridgeResults []BridgeResult
	Digits        []string
	Records       []RecordResult
	Conferences   []ConferenceResult
	Queues        []QueueResult
	gone          bool // a result said the caller hung up
}

// NewFake returns an empty Fake.
func NewFake() *Fake { return &Fake{Dir: map[string]Extension{}, KV: map[string]string{}} }

// op records a primitive; ErrHungUp once the caller has gone.
func (f *Fake) op(format string, args ...any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Ops = append(f.Ops, fmt.Sprintf(format, args...))
	if f.gone {
		return ErrHungUp
	}
	return nil
}

// OpString is Ops joined by spaces.
func (f *Fake) OpString() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.Ops, " ")
}

func (f *Fake) Log(level int, msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Logs = append(f.Logs, []string{"info", "warn", "error"}[min(max(level, 0), 2)]+": "+msg)
}

func (f *Fake) Extension(number string) (Extension, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.Dir[number]
	return e, ok
}

func (f *Fake) Extensions() []Extension {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Extension, 0, len(f.Dir))
	for _, e := range f.Dir {
		out = append(out, e)
	}
	return out
}

func (f *Fake) KVGet(key string) (string, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.KV[key]
	return v, ok, nil
}

func (f *Fake) KVSet(key, val string, _ time.Duration) error {
	if len(val) > abi.MaxKVValue {
		return errors.New("kv value too large")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.KV[key] = val
	return nil
}

func (f *Fake) KVDelete(key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.KV, key)
	return nil
}

// KVAdd adds under the Fake's lock, with the host's rules: a missing key
// is 0, a value that is not a base-10 int64 or a sum that overflows is an
// error and changes nothing.
func (f *Fake) KVAdd(key string, delta int64) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var cur int64
	if v, ok := f.KV[key]; ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("kv_add %s: value is not a base-10 integer: %q", key, v)
		}
		cur = n
	}
	if (delta > 0 && cur > math.MaxInt64-delta) || (delta < 0 && cur < math.MinInt64-delta) {
		return 0, fmt.Errorf("kv_add %s: integer overflow: %d + %d", key, cur, delta)
	}
	f.KV[key] = strconv.FormatInt(cur+delta, 10)
	return cur + delta, nil
}

func (f *Fake) HTTP(req HTTPRequest) (HTTPResponse, error) {
	if f.HTTPFunc == nil {
		return HTTPResponse{}, errors.New("no HTTP in this test")
	}
	return f.HTTPFunc(req)
}

func (f *Fake) Answer() error { return f.op("answer") }

func (f *Fake) Hangup(code int, reason string) error { return f.op("hangup(%d,%s)", code, reason) }

// Bridge records "bridge(TARGETS)", or "bridge(NUMBER via TRUNKS)".
func (f *Fake) Bridge(spec BridgeSpec) (BridgeResult, error) {
	via := ""
	if len(spec.Trunks) > 0 {
		via = " via " + strings.Join(spec.Trunks, ",")
	}
	if err := f.op("bridge(%s%s)", strings.Join(spec.Targets, ","), via); err != nil {
		return BridgeResult{HungUp: true}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.BridgeResults) == 0 {
		return BridgeResult{Code: 480}, nil
	}
	res := f.BridgeResults[0]
	if len(f.BridgeResults) > 1 {
		f.BridgeResults = f.BridgeResults[1:]
	}
	return res, nil
}

func (f *Fake) Transfer(target string) error { return f.op("transfer(%s)", target) }

func (f *Fake) Sleep(d time.Duration) error { return f.op("sleep(%v)", d) }

func (f *Fake) Play(spec PlaySpec) error { return f.op("play(%s)", spec.File) }

func (f *Fake) Collect(spec CollectSpec) (string, error) { return f.collect(spec.Max) }

func (f *Fake) collect(n uint32) (string, error) {
	if err := f.op("collect(%d)", n); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.Digits) == 0 {
		return "", ErrNotAvailable
	}
	d := f.Digits[0]
	f.Digits = f.Digits[1:]
	return d, nil
}

func (f *Fake) Record(spec RecordSpec) (string, error) {
	if err := f.op("record"); err != nil {
		return "", err
	}
	return "", ErrNotAvailable
}

// PlayEx records "play(FILE)" or "tone(TONE)".
func (f *Fake) PlayEx(spec PlayExSpec) error {
	if spec.Tone != "" {
		return f.op("tone(%s)", spec.Tone)
	}
	return f.op("play(%s)", spec.File)
}

func (f *Fake) CollectEx(spec CollectExSpec) (string, error) { return f.collect(spec.Max) }

func (f *Fake) RecordEx(spec RecordExSpec) (RecordResult, error) {
	if err := f.op("record"); err != nil {
		return RecordResult{}, err
	}
	return next(f, &f.Records, func(r RecordResult) bool { return r.HungUp })
}

func (f *Fake) Conference(spec ConferenceSpec) (ConferenceResult, error) {
	if err := f.op("conference(%s)", spec.Room); err != nil {
		return ConferenceResult{}, err
	}
	return next(f, &f.Conferences, func(r ConferenceResult) bool { return r.HungUp })
}

func (f *Fake) SendDigits(digits string) error { return f.op("send_digits(%s)", digits) }

// Queue records "queue(QUEUE,PRIORITY)".
func (f *Fake) Queue(spec QueueSpec) (QueueResult, error) {
	if err := f.op("queue(%s,%d)", spec.Queue, spec.Priority); err != nil {
		return QueueResult{}, err
	}
	return next(f, &f.Queues, func(r QueueResult) bool { return r.HungUp })
}

// next takes the first scripted result (ErrNotAvailable when none is
// left); one that hung up ends the call.
func next[T any](f *Fake, list *[]T, hungUp func(T) bool) (T, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var res T
	if len(*list) == 0 {
		return res, ErrNotAvailable
	}
	res, *list = (*list)[0], (*list)[1:]
	if hungUp(res) {
		f.gone = true
	}
	return res, nil
}

// Hooks is the hook mask the plugin's registrations give the switch.
func Hooks() uint32 { return hookMask }

// Required is the feature mask (abi.Feature*) the plugin's Require calls
// give the switch.
func Required() uint32 { return required }

// Dispatch runs one hook call as the switch would: req is the encoded
// request, the result the encoded decision. Tests of the encoding use it;
// plugin tests prefer the typed Run* helpers.
func Dispatch(h HookID, req []byte) ([]byte, error) {
	var w abi.Writer
	if err := dispatch(h, req, &w); err != nil {
		return nil, err
	}
	return w.B, nil
}

// RunRoute runs the plugin's route handler through the encoding, as the
// switch does.
func RunRoute(req RouteRequest) (RouteDecision, error) {
	w := abi.Writer{Features: layout}
	req.Append(&w)
	return runRouteLike(abi.HookRoute, w.B)
}

// RunFailure runs the plugin's failure handler through the encoding.
func RunFailure(req FailureRequest) (RouteDecision, error) {
	w := abi.Writer{Features: layout}
	req.Append(&w)
	return runRouteLike(abi.HookFailure, w.B)
}

func runRouteLike(h HookID, req []byte) (RouteDecision, error) {
	b, err := Dispatch(h, req)
	if err != nil {
		return RouteDecision{}, err
	}
	var d RouteDecision
	r := abi.NewReader(b)
	r.Features = layout
	d.Decode(r)
	return d, r.Err()
}

// RunProgram runs the call program a decision named, against the current
// host (a Fake records what the program did).
func RunProgram(d RouteDecision) error {
	if d.Action != abi.ActionProgram {
		return errors.New("not a program decision")
	}
	return runProgram(d.Program)
}
