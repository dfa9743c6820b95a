package queue

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
)

// bookings is the test's own account of who holds which agent; the
// engine hands an agent out only when this says it is free. Entries are
// added after the engine reserves and removed before it is told to free,
// so a clash here is a double booking by the engine.
type bookings struct {
	mu       sync.Mutex
	holder   map[string]string // agent -> call ID ringing it or talking to it
	answered map[string]int    // call ID -> answers
	errs     []string
}

func (b *bookings) take(callID string, agents []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, a := range agents {
		if h, ok := b.holder[a]; ok {
			b.errs = append(b.errs, fmt.Sprintf("%s offered to %s while %s holds it", a, callID, h))
		}
		b.holder[a] = callID
	}
}

func (b *bookings) release(agents []string, keep string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, a := range agents {
		if a != keep {
			delete(b.holder, a)
		}
	}
}

func (b *bookings) answer(callID string) {
	b.mu.Lock()
	b.answered[callID]++
	b.mu.Unlock()
}

// Many callers in two queues sharing their agents, agents answering or
// not at random, logins and pauses changing and configs reloading meanwhile:
// every caller is answered exactly once and no agent is ever booked twice.
func TestManyCallersManyAgents(t *testing.T) {
	for _, strategy := range []string{store.StrategyRingAll, store.StrategyRRMemory, store.StrategyFewestCalls, store.StrategyRandom} {
		t.Run(strategy, func(t *testing.T) {
			const callers, agentsN = 300, 12
			var static []store.QueueMember
			var dynamic, all []string
			for i := range agentsN {
				ext := fmt.Sprint(2001 + i)
				all = append(all, ext)
				if i%2 == 0 {
					static = append(static, store.QueueMember{Ext: ext, Penalty: i % 3})
				} else {
					dynamic = append(dynamic, ext)
				}
			}
			qs := []store.Queue{
				{Number: "300", Strategy: strategy, StaticAgents: static, DynamicAgents: dynamic, AutoReady: true},
				{Number: "301", Strategy: strategy, StaticAgents: static[:3], DynamicAgents: dynamic, AutoReady: true, WrapUp: 1},
			}
			var events atomic.Int64
			m := New(Options{Events: func(Event) { events.Add(1) },
				// Wrap-ups of a millisecond: timers firing among everything else.
				AfterFunc: func(d time.Duration, f func()) func() bool { return time.AfterFunc(d/1000, f).Stop }})
			m.Sync(qs, nil)
			b := &bookings{holder: map[string]string{}, answered: map[string]int{}}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a hang guard only
			defer cancel()

			var wg sync.WaitGroup
			for i := range callers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					id := fmt.Sprint("c", i)
					q := qs[i%2].Number
					rng := rand.New(rand.NewPCG(uint64(i), 7))
					tk, err := m.Join(q, id, "caller", rng.IntN(3))
					if err != nil {
						t.Errorf("%s: join: %v", id, err)
						return
					}
					defer tk.Leave(ReasonHangup)
					for {
						agents, err := tk.Next(ctx)
						if err != nil {
							t.Errorf("%s: next: %v", id, err)
							return
						}
						b.take(id, agents)
						runtime.Gosched()
						if rng.IntN(3) == 0 {
							b.release(agents, "")
							tk.Missed(agents)
							continue
						}
						who := agents[rng.IntN(len(agents))]
						b.release(agents, who)
						b.answer(id)
						tk.Answered(who)
						tk.Leave(ReasonAnswered)
						runtime.Gosched() // the call
						b.release([]string{who}, "")
						m.AgentDone(q, who)
						return
					}
				}()
			}
			// Churn: logins, pauses, reloads and status reads meanwhile;
			// everything is back to normal when it ends.
			churn := make(chan struct{})
			go func() {
				defer close(churn)
				rng := rand.New(rand.NewPCG(1, 2))
				for i := range 300 {
					ext := all[rng.IntN(len(all))]
					switch i % 5 {
					case 0:
						m.Pause(ext, "churn")
						m.Unpause(ext)
					case 1:
						m.Logout("", ext)
						m.Login("", ext)
					case 2:
						m.Sync(qs, nil)
					case 3:
						m.List()
						m.Status("300")
					case 4:
						m.Wake()
					}
					runtime.Gosched()
				}
			}()
			<-churn
			wg.Wait()
			if t.Failed() {
				return
			}
			if len(b.errs) > 0 {
				t.Fatalf("%d double bookings, first: %s", len(b.errs), b.errs[0])
			}
			if len(b.answered) != callers {
				t.Fatalf("%d callers answered, want %d", len(b.answered), callers)
			}
			for id, n := range b.answered {
				if n != 1 {
					t.Fatalf("%s answered %d times", id, n)
				}
			}
			total := 0
			for _, s := range m.List() {
				total += s.Counters.Answered
				if len(s.Callers) != 0 || s.Counters.Abandoned != 0 {
					t.Fatalf("queue %s: %+v", s.Number, s)
				}
				for _, a := range s.Agents {
					if a.State != StateReady && a.State != StateWrapUp {
						t.Fatalf("queue %s agent %s left %s", s.Number, a.Ext, a.State)
					}
				}
			}
			if total != callers {
				t.Fatalf("answered counters sum to %d", total)
			}
			if events.Load() < 2*callers {
				t.Fatalf("%d events for %d callers", events.Load(), callers)
			}
		})
	}
}
