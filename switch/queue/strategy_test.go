package queue

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
)

// rounds runs one caller per round with the given agents busy; the first
// agent offered answers. It returns what each round offered.
func rounds(t *testing.T, f *fixture, busy ...[]string) []string {
	t.Helper()
	var out []string
	for i, b := range busy {
		for _, ext := range b {
			f.setBusy(ext, true)
		}
		c := f.join(t, "300", fmt.Sprint("r", i), 0)
		got := now(t, c)
		if len(got) == 0 {
			t.Fatalf("round %d: no agent", i)
		}
		out = append(out, strings.Join(got, "+"))
		c.Answered(got[0])
		c.Leave(ReasonAnswered)
		f.m.AgentDone("300", got[0])
		for _, ext := range b {
			f.setBusy(ext, false)
		}
		f.clock.Advance(time.Second)
	}
	return out
}

func fourAgents(strategy string) store.Queue {
	return store.Queue{Number: "300", Strategy: strategy, StaticAgents: []store.QueueMember{
		{Ext: "1001"}, {Ext: "1002"}, {Ext: "1003"}, {Ext: "1004", Penalty: 1}}}
}

func TestStrategies(t *testing.T) {
	none := []string{}
	b23 := []string{"1002", "1003"}
	b3 := []string{"1003"}
	b123 := []string{"1001", "1002", "1003"}
	for _, c := range []struct {
		strategy string
		rand     []int
		busy     [][]string
		want     []string
	}{
		{store.StrategyRingAll, nil, [][]string{none, b23, b123}, []string{"1001+1002+1003", "1001", "1004"}},
		{store.StrategyLinear, nil, [][]string{none, none, b3, b123}, []string{"1001", "1001", "1001", "1004"}},
		{store.StrategyRRMemory, nil, [][]string{none, none, none, none, b123}, []string{"1001", "1002", "1003", "1001", "1004"}},
		{store.StrategyRROrdered, nil, [][]string{none, none, none, none}, []string{"1001", "1002", "1003", "1001"}},
		{store.StrategyFewestCalls, nil, [][]string{b23, b23, b3, b3}, []string{"1001", "1001", "1002", "1002"}},
		{store.StrategyLeastRecent, nil, [][]string{b23, b23, b3, b3}, []string{"1001", "1001", "1002", "1001"}},
		{store.StrategyRandom, []int{2, 0, 1}, [][]string{none, none, none}, []string{"1003", "1001", "1002"}},
	} {
		t.Run(c.strategy, func(t *testing.T) {
			f := newFixture(t, fourAgents(c.strategy))
			f.randPicks = c.rand
			if got := rounds(t, f, c.busy...); !slices.Equal(got, c.want) {
				t.Fatalf("offered %v, want %v", got, c.want)
			}
			if c.strategy == store.StrategyRandom && f.randCalled != 3 {
				t.Fatalf("rand called %d times", f.randCalled)
			}
		})
	}
}

// rrmemory remembers its own rotation, where an agent coming back joins
// at the end; rrordered keeps the configured order.
func TestRoundRobinMemoryAndOrder(t *testing.T) {
	for _, c := range []struct {
		strategy string
		want     []string
	}{
		{store.StrategyRRMemory, []string{"1003", "1002", "1001"}},
		{store.StrategyRROrdered, []string{"1002", "1003", "1001"}},
	} {
		t.Run(c.strategy, func(t *testing.T) {
			f := newFixture(t, store.Queue{Number: "300", Strategy: c.strategy, StaticAgents: []store.QueueMember{{Ext: "1001"}},
				DynamicAgents: []string{"1002", "1003"}, AutoReady: true})
			if got := rounds(t, f, nil); !slices.Equal(got, []string{"1001"}) {
				t.Fatalf("first: %v", got)
			}
			if err := f.m.Logout("300", "1002"); err != nil {
				t.Fatal(err)
			}
			if err := f.m.Login("300", "1002"); err != nil {
				t.Fatal(err)
			}
			if got := rounds(t, f, nil, nil, nil); !slices.Equal(got, c.want) {
				t.Fatalf("then %v, want %v", got, c.want)
			}
		})
	}
}
