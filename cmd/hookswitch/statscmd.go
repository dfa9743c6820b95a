package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/web"
)

// statsCmd: `stats [--hours N] [--json]` prints the hourly statistics:
// call attempts and answered calls per hour (from the CDRs, so also with
// the switch stopped), the peak of calls up at once and of registered
// contacts (kept live by the running switch only), and the tenants' calls.
func statsCmd(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	data := dataFlag(fs)
	hours := fs.Int("hours", 24, fmt.Sprintf("how many hours up to now (1-%d)", store.MaxStatHours))
	asJSON := fs.Bool("json", false, "print the API's JSON")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) != 0 {
		return errors.New("stats: takes no arguments (--hours N)")
	}
	if *hours < 1 || *hours > store.MaxStatHours {
		return fmt.Errorf("stats: --hours must be 1 to %d", store.MaxStatHours)
	}
	b, err := openBackend(*data)
	if err != nil {
		return err
	}
	defer b.close()
	var hs []web.HourlyStats
	if b.st != nil {
		hs, err = offlineStats(b.st, *hours)
	} else {
		err = b.call("GET", "/api/v1/stats/hourly?hours="+strconv.Itoa(*hours), nil, &hs)
	}
	if err != nil {
		return fmt.Errorf("stats: %w", err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(hs)
	}
	live := b.st == nil
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "HOUR\tATTEMPTS\tANSWERED\tASR\tPEAK CALLS\tPEAK REGS\t TENANTS (ATTEMPTS/ANSWERED)")
	var att, ans, peak, regs int
	for _, h := range hs {
		att, ans = att+h.Attempts, ans+h.Answered
		peak, regs = max(peak, h.PeakCalls), max(regs, h.Registrations)
		var ts []string
		for _, t := range h.Tenants {
			name := t.Tenant
			if name == "" {
				name = "(none)"
			}
			ts = append(ts, fmt.Sprintf("%s %d/%d", name, t.Attempts, t.Answered))
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t %s\n", h.Hour.Local().Format("2006-01-02 15:00"), h.Attempts, h.Answered,
			asr(h.Attempts, h.Answered), livePeak(live, h.PeakCalls), livePeak(live, h.Registrations), strings.Join(ts, ", "))
	}
	fmt.Fprintf(tw, "total\t%d\t%d\t%s\t%s\t%s\t \n", att, ans, asr(att, ans), livePeak(live, peak), livePeak(live, regs))
	if err := tw.Flush(); err != nil {
		return err
	}
	if !live {
		fmt.Fprintln(stdout, "(the switch is not running: peaks are kept by the running switch only)")
	}
	return nil
}

// asr is the answer-seizure ratio, the share of attempts answered.
func asr(attempts, answered int) string {
	if attempts == 0 {
		return "-"
	}
	return fmt.Sprintf("%d%%", answered*100/attempts)
}

func livePeak(live bool, n int) string {
	if !live {
		return "-"
	}
	return strconv.Itoa(n)
}

// offlineStats counts the stored CDRs as the API does, without the peaks.
func offlineStats(st *store.Store, hours int) ([]web.HourlyStats, error) {
	now := time.Now()
	hs, err := st.CallsPerHour(now, hours)
	if err != nil && !errors.Is(err, store.ErrCorrupt) {
		return nil, err
	}
	ts, err := st.TenantCallsPerHour(now, hours)
	if err != nil && !errors.Is(err, store.ErrCorrupt) {
		return nil, err
	}
	out := make([]web.HourlyStats, len(hs))
	at := map[int64]int{}
	for i, h := range hs {
		out[i] = web.HourlyStats{Hour: h.Hour, Attempts: h.Calls, Answered: h.Answered, Tenants: []web.TenantHour{}}
		at[h.Hour.Unix()] = i
	}
	for _, t := range ts {
		if i, ok := at[t.Hour.Unix()]; ok {
			out[i].Tenants = append(out[i].Tenants, web.TenantHour{Tenant: t.Tenant, Attempts: t.Calls, Answered: t.Answered})
		}
	}
	for i := range out {
		slices.SortFunc(out[i].Tenants, func(a, b web.TenantHour) int { return strings.Compare(a.Tenant, b.Tenant) })
	}
	return out, nil
}
