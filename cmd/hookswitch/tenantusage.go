package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/hookswitch/hookswitch/web"
)

// tenantUsage prints a tenant's use of its quotas (SPEC P11): its
// extensions and, from the running switch, its calls in progress.
func tenantUsage(b *backend, name string, w io.Writer) error {
	var u web.TenantUsage
	if b.st != nil {
		t, err := b.st.GetTenant(name)
		if err != nil {
			return fmt.Errorf("tenant usage %s: %w", name, err)
		}
		es, err := b.st.ListExtensions()
		if err != nil {
			return fmt.Errorf("tenant usage %s: %w", name, err)
		}
		u = web.TenantUsage{Tenant: t.Name, MaxExtensions: t.MaxExtensions, MaxCalls: t.MaxCalls}
		for _, e := range es {
			if e.Tenant == t.Name {
				u.Extensions++
			}
		}
	} else if err := b.call("GET", tenantEntity.item(name)+"/usage", nil, &u); err != nil {
		return fmt.Errorf("tenant usage %s: %w", name, err)
	}
	calls := fmt.Sprint(u.Calls)
	if b.st != nil {
		calls = "- (the switch is not running)"
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "tenant:\t%s\n", u.Tenant)
	fmt.Fprintf(tw, "extensions:\t%d / %s\n", u.Extensions, quotaText(u.MaxExtensions))
	fmt.Fprintf(tw, "calls now:\t%s / %s\n", calls, quotaText(u.MaxCalls))
	return tw.Flush()
}
