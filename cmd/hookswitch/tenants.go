package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/hookswitch/hookswitch/switch/store"
)

// tenantCmd manages tenants and their DID pools on shared trunks (SPEC T5):
//
//	hookswitch tenant list
//	hookswitch tenant show NAME
//	hookswitch tenant set NAME --domain D [--trunk T[:POOL]]...
//	hookswitch tenant delete NAME
//
// set creates the tenant or changes it: a change keeps what is not given,
// and --trunk flags, when given, replace the tenant's whole trunk list.
func tenantCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("tenant: want list, show, set or delete")
	}
	sub := args[0]
	switch sub {
	case "list", "show", "set", "delete":
	default:
		return fmt.Errorf("tenant: unknown subcommand %q: want list, show, set or delete", sub)
	}
	fs := flag.NewFlagSet("tenant "+sub, flag.ContinueOnError)
	data := dataFlag(fs)
	var trunks multiFlag
	domain := fs.String("domain", "", "the tenant's SIP domain, e.g. acme.example.com (unique across tenants)")
	fs.Var(&trunks, "trunk", `TRUNK[:POOL]: a trunk the tenant may use and its DIDs there ("*", "44*****", "12000-18000", ';' lists; none: calls out only); repeatable`)
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
	// set: start from the stored tenant, so only the flags given change.
	t, err := tenantEntity.get(b, pos[0])
	if err != nil && !notFound(b, err) {
		return fmt.Errorf("tenant set %s: %w", pos[0], err)
	}
	t.Name = pos[0]
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["domain"] {
		t.Domain = *domain
	}
	if set["trunk"] {
		t.Trunks = nil
		for _, v := range trunks {
			name, pool, _ := strings.Cut(v, ":")
			t.Trunks = append(t.Trunks, store.TenantTrunk{Trunk: name, DIDPool: pool})
		}
	}
	if err := tenantEntity.put(b, t.Name, t); err != nil {
		return fmt.Errorf("tenant set %s: %w", t.Name, err)
	}
	fmt.Fprintf(stdout, "tenant %s saved\n", t.Name)
	return nil
}

var tenantEntity = entity[store.Tenant]{cmd: "tenant", noun: "tenant", path: "/api/v1/tenants",
	stList: (*store.Store).ListTenants, stGet: (*store.Store).GetTenant,
	stPut: (*store.Store).PutTenant, stDelete: (*store.Store).DeleteTenant,
	printList: printTenants, printOne: printTenant}

// poolText shows a trunk's pool; an empty one is what it means.
func poolText(pool string) string {
	if pool == "" {
		return "- (calls out only)"
	}
	return pool
}

func printTenants(w io.Writer, list []store.Tenant) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tDOMAIN\tTRUNKS (DID POOLS)")
	for _, t := range list {
		var ts []string
		for _, tt := range t.Trunks {
			pool := tt.DIDPool
			if pool == "" {
				pool = "-"
			}
			ts = append(ts, tt.Trunk+":"+pool)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", t.Name, t.Domain, orDash(strings.Join(ts, " ")))
	}
	return tw.Flush()
}

func printTenant(w io.Writer, t store.Tenant) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "name:\t%s\n", t.Name)
	fmt.Fprintf(tw, "domain:\t%s\n", t.Domain)
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
