package admin

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/tests/browser"
	"github.com/hookswitch/hookswitch/web"
	"github.com/hookswitch/hookswitch/web/logring"
)

// TestLogsUI: the logs page lists the records kept in memory, filters
// them by level and text, follows new ones live, and a record's Call-ID
// opens that call's CDR.
func TestLogsUI(t *testing.T) {
	env := browser.Require(t)
	st := memStore(t)
	ring := logring.New(0, 0)
	log := slog.New(logring.NewHandler(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug}), ring))
	start := time.Now().Add(-time.Hour).Truncate(time.Second)
	for _, id := range []string{"log-call-1", "other-call"} {
		must(t, st.AddCDR(&store.CDR{CallID: id, Caller: "3001", Callee: "3002", Direction: "internal",
			StartTime: start, EndTime: start.Add(30 * time.Second), Status: "answered", EndedReason: "caller_hangup"}))
	}
	log.Debug("rtp stats", "call_id", "log-call-1")
	log.Info("call answered", "call_id", "log-call-1", "from", "3001")
	log.Warn("trunk down", "trunk", "carrier")
	a := &adminHarness{t: t, st: st, live: &fakeLive{}, ui: serveAdmin(t, env, &web.API{B: st, L: &fakeLive{}, Logs: ring})}
	u := a.ui
	a.login()
	a.nav("logs")

	// Info and up by default: the debug record is left out.
	u.Wait("#log-results tr[data-seq='3']")
	u.Wait("#log-results tr[data-seq='2']")
	if n := count(u, "#log-results tbody tr"); n != 2 {
		t.Errorf("%d rows at info, want 2", n)
	}
	u.Shot("logs")
	// A text search.
	u.Fill("#log-q", "carrier")
	u.Click("#log-filters button[type=submit]")
	u.WaitHidden("#log-results tr[data-seq='2']")
	u.Wait("#log-results tr[data-seq='3']")
	u.Fill("#log-q", "")

	// Follow: a record logged now arrives without a reload.
	u.Click("#log-follow")
	u.WaitText("#log-state", "Following")
	log.Error("hook failed", "call_id", "log-call-1", "hook", "route")
	u.Wait("#log-results tr[data-seq='4']")
	if txt := u.Text("#log-results tr[data-seq='4']"); !strings.Contains(txt, "hook failed") || !strings.Contains(txt, "hook=route") {
		t.Errorf("followed row %q", txt)
	}
	u.Click("#log-follow") // stop before leaving

	// The Call-ID opens the call's CDR, and only that one.
	u.Click("#log-results tr[data-seq='4'] a.log-call")
	u.Wait("html[data-page=cdrs] #cdr-results tr")
	u.Until(`!document.querySelector('.main .loading') && 1`, nil)
	if n := count(u, "#cdr-results tbody tr"); n != 1 {
		t.Errorf("%d CDR rows for the call, want 1", n)
	}
}

func count(u *browser.UI, sel string) int {
	var n int
	u.Eval(`document.querySelectorAll(`+jsString(sel)+`).length`, &n)
	return n
}

func jsString(s string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `'`, `\'`) + "'"
}
