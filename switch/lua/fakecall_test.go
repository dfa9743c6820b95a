package lua

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// fakeCall is a hook.Call that records what a program does and answers
// with scripted results. Unscripted primitives succeed (play, collect and
// record return ErrNotAvailable unless scripted).
type fakeCall struct {
	info hook.RouteRequest

	mu      sync.Mutex
	ops     []string
	bridges []hook.BridgeSpec

	answerErr   error
	bridgeRes   []hook.BridgeResult // one per bridge, then the last repeats
	bridgeErr   error
	collect     []string // digits per collect, then ErrNotAvailable
	collectErr  error
	hangupErr   error
	transferErr error
	sleepErr    error
	// block, when set, is waited on by sleep (until closed or ctx ends).
	block chan struct{}
	// entered is signalled (non-blocking) when sleep starts waiting.
	entered chan struct{}
}

var _ hook.Call = (*fakeCall)(nil)

func (f *fakeCall) record(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ops = append(f.ops, fmt.Sprintf(format, args...))
}

// Ops returns the primitives called, in order, as one string.
func (f *fakeCall) Ops() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.ops, " ")
}

func (f *fakeCall) Info() hook.RouteRequest { return f.info }

func (f *fakeCall) Answer(ctx context.Context) error {
	f.record("answer")
	return f.answerErr
}

func (f *fakeCall) Hangup(code int, reason string) error {
	f.record("hangup(%d,%s)", code, reason)
	return f.hangupErr
}

func (f *fakeCall) Bridge(ctx context.Context, s hook.BridgeSpec) (hook.BridgeResult, error) {
	f.mu.Lock()
	f.bridges = append(f.bridges, s)
	var res hook.BridgeResult
	if n := len(f.bridgeRes); n > 0 {
		res = f.bridgeRes[0]
		if n > 1 {
			f.bridgeRes = f.bridgeRes[1:]
		}
	}
	f.mu.Unlock()
	f.record("bridge(%s)", strings.Join(s.Targets, ","))
	return res, f.bridgeErr
}

func (f *fakeCall) Transfer(ctx context.Context, target string) error {
	f.record("transfer(%s)", target)
	return f.transferErr
}

func (f *fakeCall) Sleep(ctx context.Context, d time.Duration) error {
	f.record("sleep(%v)", d)
	if f.block != nil {
		if f.entered != nil {
			select {
			case f.entered <- struct{}{}:
			default:
			}
		}
		select {
		case <-f.block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return f.sleepErr
}

func (f *fakeCall) Play(ctx context.Context, s hook.PlaySpec) error {
	f.record("play(%s,%d)", s.File, s.Loops)
	return hook.ErrNotAvailable
}

func (f *fakeCall) Collect(ctx context.Context, s hook.CollectSpec) (string, error) {
	f.record("collect(%d,%v,%s,%s)", s.Max, s.Timeout, s.Terminator, strings.Join(s.Prompt, ","))
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.collectErr != nil {
		return "", f.collectErr
	}
	if len(f.collect) == 0 {
		return "", hook.ErrNotAvailable
	}
	d := f.collect[0]
	f.collect = f.collect[1:]
	return d, nil
}

func (f *fakeCall) Record(ctx context.Context, s hook.RecordSpec) (hook.RecordResult, error) {
	f.record("record(%v,%s)", s.MaxDuration, s.Terminator)
	return hook.RecordResult{}, hook.ErrNotAvailable
}

func (f *fakeCall) Conference(ctx context.Context, s hook.ConferenceSpec) (hook.ConferenceResult, error) {
	f.record("conference(%s,%v)", s.Room, s.Admin)
	return hook.ConferenceResult{}, hook.ErrNotAvailable
}

func (f *fakeCall) SendDigits(ctx context.Context, digits string) error {
	f.record("send_digits(%s)", digits)
	return nil
}

func (f *fakeCall) Queue(ctx context.Context, s hook.QueueSpec) (hook.QueueResult, error) {
	f.record("queue(%s,%d)", s.Queue, s.Priority)
	return hook.QueueResult{Reason: hook.QueueAnswered, Agent: "2001"}, nil
}
