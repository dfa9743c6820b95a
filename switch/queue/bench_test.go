package queue

import (
	"context"
	"fmt"
	"testing"

	"github.com/hookswitch/hookswitch/switch/store"
)

// BenchmarkCallerCycle is one caller's whole stay (join, ring, answer,
// leave, the agent's call ending) in a queue of 50 agents with 100
// callers waiting ahead at a lower priority.
func BenchmarkCallerCycle(b *testing.B) {
	for _, strategy := range []string{store.StrategyRingAll, store.StrategyLeastRecent} {
		b.Run(strategy, func(b *testing.B) {
			q := store.Queue{Number: "300", Strategy: strategy}
			for i := range 50 {
				q.StaticAgents = append(q.StaticAgents, store.QueueMember{Ext: fmt.Sprint(2000 + i)})
			}
			m := New(Options{})
			m.Sync([]store.Queue{q}, nil)
			for i := range 100 {
				if _, err := m.Join("300", fmt.Sprint("w", i), "100", 0); err != nil {
					b.Fatal(err)
				}
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				t, err := m.Join("300", "c", "100", 1)
				if err != nil {
					b.Fatal(err)
				}
				agents, err := t.Next(ctx)
				if err != nil {
					b.Fatal(err)
				}
				t.Answered(agents[0])
				t.Leave(ReasonAnswered)
				m.AgentDone("300", agents[0])
			}
		})
	}
}
