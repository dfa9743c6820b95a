package admin

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/plugins"
	"github.com/hookswitch/hookswitch/switch/call"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/tests/browser"
	"github.com/hookswitch/hookswitch/web"
)

// opsLive is fakeLive with plugin history and call peaks.
type opsLive struct {
	*fakeLive
	mu      sync.Mutex
	plugins map[string][]byte
	history map[string][][]byte // newest last
}

func (o *opsLive) Plugins() ([]plugins.Info, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := []plugins.Info{}
	for n, b := range o.plugins {
		out = append(out, plugins.Info{Name: n, Size: len(b), SHA256: strings.Repeat("cd", 32)})
	}
	return out, nil
}

func (o *opsLive) DeletePlugin(name string) (uint64, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	b, ok := o.plugins[name]
	if !ok {
		return 1, fmt.Errorf("plugin %s: %w", name, os.ErrNotExist)
	}
	delete(o.plugins, name)
	o.history[name] = append(o.history[name], b)
	return 2, nil
}

func (o *opsLive) RollbackPlugin(name string) (uint64, string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	h := o.history[name]
	if len(h) == 0 {
		return 1, "", fmt.Errorf("plugin %s: no earlier version: %w", name, os.ErrNotExist)
	}
	o.plugins[name], o.history[name] = h[len(h)-1], h[:len(h)-1]
	return 3, "v1", nil
}

func (o *opsLive) PluginHistory(name string) ([]plugins.Version, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := []plugins.Version{}
	for i := len(o.history[name]) - 1; i >= 0; i-- {
		out = append(out, plugins.Version{Version: fmt.Sprint("v", i), Size: int64(len(o.history[name][i])), Saved: time.Now().Add(-time.Hour), SHA256: strings.Repeat("ef", 32)})
	}
	return out, nil
}

func (o *opsLive) PeakCalls(now time.Time, hours int) []call.HourPeak {
	out := make([]call.HourPeak, hours)
	for i := range out {
		out[i] = call.HourPeak{Hour: now.UTC().Truncate(time.Hour).Add(time.Duration(i-hours+1) * time.Hour), Peak: i % 4}
	}
	return out
}

// TestOpsUI: the dashboard's hourly charts and tenant table, the
// scheduled backups on the Backup page, and a plugin deleted and rolled
// back on the Plugins page.
func TestOpsUI(t *testing.T) {
	env := browser.Require(t)
	st := memStore(t)
	now := time.Now()
	for i, tenant := range []string{"acme", "acme", "beta"} {
		must(t, st.AddCDR(&store.CDR{CallID: fmt.Sprint("ops-", i), Caller: "3001", Callee: "3002", Direction: "internal", Tenant: tenant,
			StartTime: now.Add(-time.Duration(i) * time.Minute), EndTime: now, Status: "answered", EndedReason: "caller_hangup"}))
	}
	bdir := t.TempDir()
	name := "hookswitch-backup-20260101T000000.000Z.tar.gz"
	must(t, os.WriteFile(filepath.Join(bdir, name), []byte("not really gzip"), 0o600))
	regs := &web.HourSampler{}
	regs.Note(4, now)
	live := &opsLive{fakeLive: &fakeLive{}, plugins: map[string][]byte{"billing.wasm": []byte("\x00asm")}, history: map[string][][]byte{}}
	api := &web.API{B: st, L: live, Regs: regs, Schedule: &web.BackupSchedule{Dir: bdir, Every: 24 * time.Hour, Keep: 7}}
	a := &adminHarness{t: t, st: st, live: live.fakeLive, ui: serveAdmin(t, env, api)}
	u := a.ui
	a.login()

	// Dashboard: the peaks chart and the per-tenant table.
	u.Wait("#stats-peaks svg polyline.line.peak")
	u.Wait("#stats-peaks svg polyline.line.regs")
	u.Wait("#stats-tenants tr[data-id=acme]")
	if txt := u.Text("#stats-tenants tr[data-id=acme]"); !strings.Contains(txt, "2") {
		t.Errorf("acme row %q, want 2 attempts", txt)
	}
	u.Shot("dashboard-stats")

	// Backup page: the schedule and its backup.
	a.nav("backup")
	u.Wait(fmt.Sprintf("#backup-scheduled tr[data-id='%s']", name))
	if s := u.Text("#backup-schedule"); !strings.Contains(s, "Every 24 h") || !strings.Contains(s, bdir) {
		t.Errorf("schedule %q", s)
	}

	// Plugins: delete billing.wasm, then roll it back from its versions.
	a.nav("plugins")
	u.Wait("tr[data-id='billing.wasm'] .plugin-delete")
	u.Click("tr[data-id='billing.wasm'] .plugin-delete")
	u.Wait("#confirm[open]")
	u.Click("#confirm-ok")
	u.WaitHidden("tr[data-id='billing.wasm']")
	u.Wait("#plugin-versions tr[data-id=v0]")
	u.Click("#plugin-rollback")
	u.Wait("#confirm[open]")
	u.Click("#confirm-ok")
	u.Wait("tr[data-id='billing.wasm']")
	u.WaitText("#plugin-versions", "No earlier version kept")
	u.Shot("plugins-versions")
}
