package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/hookswitch/hookswitch/switch/store"
)

// tenantCmd manages tenants and their DID pools on shared trunks (SPEC T5):
//
//	hookswitch tenant list
//	hookswitch tenant show NAME
//	hookswitch tenant usage NAME   extensions and calls now against the quotas
//	hookswitch tenant add NAME --domain D [--trunk T[:POOL]]... [--max-extensions N] [--max-calls N]
//	hookswitch tenant set NAME [--domain D] [--trunk T[:POOL]]... [--max-extensions N] [--max-calls N]
//	hookswitch tenant delete NAME
//
// add creates a tenant and refuses a name in use; set creates the tenant or
// changes it: a change keeps what is not given, and --trunk flags, when
// given, replace the tenant's whole trunk list. Quotas: 0 is no limit.
func tenantCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("tenant: want list, show, usage, add, set or delete")
	}
	sub := args[0]
	switch sub {
	case "list", "show", "usage", "add", "set", "delete":
	default:
		return fmt.Errorf("tenant: unknown subcommand %q: want list, show, usage, add, set or delete", sub)
	}
	fs := flag.NewFlagSet("tenant "+sub, flag.ContinueOnError)
	data := dataFlag(fs)
	var trunks multiFlag
	domain := fs.String("domain", "", "the tenant's SIP domain, e.g. acme.example.com (unique across tenants)")
	fs.Var(&trunks, "trunk", `TRUNK[:POOL]: a trunk the tenant may use and its DIDs there ("*", "44*****", "12000-18000", ';' lists; none: calls out only); repeatable`)
	maxExts := fs.Int("max-extensions", 0, "extensions the tenant may have (0: no limit)")
	maxCalls := fs.Int("max-calls", 0, "calls in progress at once for the tenant; more are refused with 503 (0: no limit)")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if sub != "list" && len(pos) != 1 {
		return fmt.Errorf("tenant %s: want one NAME", sub)
	}
	b, err := openBackend(*data)
	if err != nil {
		return err
	}
	defer b.close()
	if done, err := tenantEntity.common(b, sub, pos, stdout); done {
		return err
	}
	if sub == "usage" {
		return tenantUsage(b, pos[0], stdout) // tenantusage.go
	}
	// set: start from the stored tenant, so only the flags given change.
	t, err := tenantEntity.get(b, pos[0])
	if err != nil && !notFound(b, err) {
		return fmt.Errorf("tenant %s %s: %w", sub, pos[0], err)
	}
	if sub == "add" && err == nil {
		return fmt.Errorf("tenant add %s: already exists (change it with tenant set)", pos[0])
	}
	t.Name = pos[0]
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["domain"] {
		t.Domain = *domain
	}
	if set["max-extensions"] {
		t.MaxExtensions = *maxExts
	}
	if set["max-calls"] {
		t.MaxCalls = *maxCalls
	}
	if set["trunk"] {
		t.Trunks = nil
		for _, v := range trunks {
			name, pool, _ := strings.Cut(v, ":")
			t.Trunks = append(t.Trunks, store.TenantTrunk{Trunk: name, DIDPool: pool})
		}
	}
	if err := tenantEntity.put(b, t.Name, t); err != nil {
		return fmt.Errorf("tenant %s %s: %w", sub, t.Name, err)
	}
	fmt.Fprintf(stdout, "tenant %s saved\n", t.Name)
	return nil
}

var tenantEntity = entity[store.Tenant]{cmd: "tenant", noun: "tenant", path: "/api/v1/tenants",
	stList: (*store.Store).ListTenants, stGet: (*store.Store).GetTenant,
	stPut: (*store.Store).PutTenant, stDelete: (*store.Store).DeleteTenant,
	printList: printTenants, printOne: printTenant}

// quotaText shows a quota; 0 is none.
func quotaText(n int) string {
	if n == 0 {
		return "-"
	}
	return strconv.Itoa(n)
}

// poolText shows a trunk's pool; an empty one is what it means.
func poolText(pool string) string {
	if pool == "" {
		return "- (calls out only)"
	}
	return pool
}

func printTenants(w io.Writer, list []store.Tenant) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tDOMAIN\tMAX EXTS\tMAX CALLS\tTRUNKS (DID POOLS)")
	for _, t := range list {
		var ts []string
		for _, tt := range t.Trunks {
			pool := tt.DIDPool
			if pool == "" {
				pool = "-"
			}
			ts = append(ts, tt.Trunk+":"+pool)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.Name, t.Domain, quotaText(t.MaxExtensions), quotaText(t.MaxCalls), orDash(strings.Join(ts, " ")))
	}
	return tw.Flush()
}

func printTenant(w io.Writer, t store.Tenant) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "name:\t%s\n", t.Name)
	fmt.Fprintf(tw, "domain:\t%s\n", t.Domain)
	fmt.Fprintf(tw, "max extensions:\t%s\n", quotaText(t.MaxExtensions))
	fmt.Fprintf(tw, "max calls:\t%s\n", quotaText(t.MaxCalls))
	if len(t.Trunks) == 0 {
		fmt.Fprintf(tw, "trunks:\t-\n")
	}
	for i, tt := range t.Trunks {
		label := ""
		if i == 0 {
			label = "trunks:"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", label, tt.Trunk, poolText(tt.DIDPool))
	}
	return tw.Flush()
}
