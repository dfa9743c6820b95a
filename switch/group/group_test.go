package group

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

var abc = []string{"a", "b", "c"}

func TestRingAllAndHuntKeepMemberOrder(t *testing.T) {
	var tr Tracker
	for _, s := range []string{RingAll, Hunt, "unknown"} {
		for range 3 {
			if got := tr.Order("300", s, abc); !slices.Equal(got, abc) {
				t.Fatalf("%s: %v", s, got)
			}
		}
	}
	if !Parallel(RingAll) || Parallel(Hunt) || Parallel(Cyclic) || Parallel(LeastWorked) || Parallel(Random) {
		t.Fatal("only ringall is parallel")
	}
}

func TestOrderDoesNotTouchMembers(t *testing.T) {
	var tr Tracker
	members := slices.Clone(abc)
	for _, s := range Strategies {
		got := tr.Order("300", s, members)
		got[0] = "x"
		if !slices.Equal(members, abc) {
			t.Fatalf("%s changed the members: %v", s, members)
		}
	}
}

func TestCyclicRotates(t *testing.T) {
	var tr Tracker
	var firsts []string
	for range 6 {
		firsts = append(firsts, tr.Order("300", Cyclic, abc)[0])
	}
	if got := strings.Join(firsts, ""); got != "abcabc" {
		t.Fatalf("first rung: %s, want abcabc", got)
	}
	if got := tr.Order("300", Cyclic, abc); !slices.Equal(got, abc) {
		t.Fatalf("after two rounds: %v", got)
	}
	// A new member has never been rung: it goes first, then the rotation
	// goes on where it was.
	abcd := []string{"a", "b", "c", "d"}
	if got := tr.Order("300", Cyclic, abcd); !slices.Equal(got, []string{"d", "b", "c", "a"}) {
		t.Fatalf("member d added: %v", got)
	}
	if got := tr.Order("300", Cyclic, abcd); !slices.Equal(got, []string{"b", "c", "a", "d"}) {
		t.Fatalf("then: %v", got)
	}
	// Another group has its own rotation.
	if got := tr.Order("301", Cyclic, abc); !slices.Equal(got, abc) {
		t.Fatalf("group 301: %v", got)
	}
	tr.Forget("300")
	if got := tr.Order("300", Cyclic, abc); !slices.Equal(got, abc) {
		t.Fatalf("forgotten: %v", got)
	}
}

func TestLeastWorked(t *testing.T) {
	var tr Tracker
	if got := tr.Order("300", LeastWorked, abc); !slices.Equal(got, abc) {
		t.Fatalf("nobody answered yet: %v", got)
	}
	tr.Answered("300", "a")
	tr.Answered("300", "a")
	tr.Answered("300", "c")
	if got := tr.Order("300", LeastWorked, abc); !slices.Equal(got, []string{"b", "c", "a"}) {
		t.Fatalf("a answered 2, c 1: %v", got)
	}
	tr.Answered("300", "b")
	tr.Answered("300", "b")
	if got := tr.Order("300", LeastWorked, abc); !slices.Equal(got, []string{"c", "a", "b"}) {
		t.Fatalf("then b 2: %v (ties in member order)", got)
	}
	// Not members, unknown groups: ignored.
	tr.Answered("300", "z")
	tr.Answered("999", "a")
	tr.mu.Lock()
	_, has999 := tr.groups["999"]
	_, hasZ := tr.groups["300"].answered["z"]
	tr.mu.Unlock()
	if has999 || hasZ {
		t.Fatal("answered for a non-member or an unknown group was kept")
	}
	// A member that leaves loses its count.
	tr.Order("300", LeastWorked, []string{"b", "c"})
	if got := tr.Order("300", LeastWorked, abc); !slices.Equal(got, []string{"a", "c", "b"}) {
		t.Fatalf("a left and came back: %v", got)
	}
}

func TestRandomIsAPermutationAndCoversAllOrders(t *testing.T) {
	var tr Tracker
	seen := map[string]int{}
	for range 3000 {
		got := tr.Order("300", Random, abc)
		sorted := slices.Sorted(slices.Values(got))
		if !slices.Equal(sorted, abc) {
			t.Fatalf("not a permutation: %v", got)
		}
		seen[strings.Join(got, "")]++
	}
	// 3! = 6 orders; with 3000 calls each one is expected 500 times, and
	// missing one has probability about 6*(5/6)^3000.
	if len(seen) != 6 {
		t.Fatalf("orders seen: %v", seen)
	}
}

func TestEmptyAndNilMembers(t *testing.T) {
	var tr Tracker
	for _, s := range Strategies {
		if got := tr.Order("300", s, nil); len(got) != 0 {
			t.Fatalf("%s: %v", s, got)
		}
	}
}

func TestValid(t *testing.T) {
	for _, s := range Strategies {
		if !Valid(s) {
			t.Fatalf("%s", s)
		}
	}
	for _, s := range []string{"", "paging", "RINGALL"} {
		if Valid(s) {
			t.Fatalf("%q is valid", s)
		}
	}
}

// TestConcurrent runs under -race: many calls to one cyclic group each
// get a whole order, and every member ends up rung first equally often.
func TestConcurrent(t *testing.T) {
	var tr Tracker
	const workers, calls = 8, 300
	var mu sync.Mutex
	firsts := map[string]int{}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range calls {
				got := tr.Order("300", Cyclic, abc)
				tr.Answered("300", got[0])
				tr.Order(fmt.Sprint(w), LeastWorked, abc)
				mu.Lock()
				firsts[got[0]]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for _, m := range abc {
		if firsts[m] != workers*calls/3 {
			t.Fatalf("rung first: %v", firsts)
		}
	}
}

func BenchmarkOrder(b *testing.B) {
	members := make([]string, 16)
	for i := range members {
		members[i] = fmt.Sprint(1000 + i)
	}
	for _, s := range Strategies {
		b.Run(s, func(b *testing.B) {
			var tr Tracker
			b.ReportAllocs()
			for b.Loop() {
				got := tr.Order("300", s, members)
				if s == LeastWorked {
					tr.Answered("300", got[0])
				}
			}
		})
	}
}
