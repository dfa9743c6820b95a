package call

import (
	"log/slog"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
)

// Records queued before close are flushed by it; a record from a call that
// outlived the drain is still written, not lost (nor a panic).
func TestCDRLogFlushesAndSurvivesLateRecords(t *testing.T) {
	st, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	l := newCDRLog(st, slog.New(slog.DiscardHandler))
	now := time.Now()
	rec := func(id string) *store.CDR {
		return &store.CDR{CallID: id, Caller: "1001", Callee: "1002", Direction: "internal",
			StartTime: now, EndTime: now, Status: store.StatusAnswered, EndedReason: "caller_hangup"}
	}
	for _, id := range []string{"a", "b", "c"} {
		l.add(rec(id))
	}
	l.close()
	l.close() // idempotent
	l.add(rec("late"))
	cs, err := st.ListCDRs(store.CDRQuery{})
	if err != nil || len(cs) != 4 {
		t.Fatalf("want 4 records stored, got %d (%v)", len(cs), err)
	}
}
