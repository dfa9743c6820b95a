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

// routeCmd manages inbound and outbound rules (SPEC T2, T3):
//
//	hookswitch route inbound list
//	hookswitch route inbound add NAME --did D --dest KIND[:TARGET] [--trunk T ...] [--caller MASK] [--tenant T]
//	                                  [--direct] [--order N] [--timecond TC --closed KIND[:TARGET]]
//	hookswitch route inbound remove NAME
//	hookswitch route outbound list
//	hookswitch route outbound add NAME --pattern [PREFIX:]PATTERN[:PREPEND] ... --trunk T ... [--source EXT ...]
//	                                   [--min-len N] [--max-len N] [--timecond TC] [--pin-set P]
//	                                   [--caller-id cid1|cid2|trunk|NUMBER] [--time-limit S]
//	                                   [--method linear|linear-cycle] [--order N]
//	hookswitch route outbound remove NAME
//
// add creates the rule or replaces the one of that name.
func routeCmd(args []string, stdout io.Writer) error {
	if len(args) < 2 || args[0] != "inbound" && args[0] != "outbound" {
		return errors.New("route: want inbound or outbound, then list, add or remove")
	}
	dir, sub := args[0], args[1]
	switch sub {
	case "list", "add", "remove":
	default:
		return fmt.Errorf("route %s: unknown subcommand %q: want list, add or remove", dir, sub)
	}
	fs := flag.NewFlagSet("route "+dir+" "+sub, flag.ContinueOnError)
	data := dataFlag(fs)
	var trunks multiFlag
	order := fs.Int("order", 0, "lower first among rules of the same precedence")
	timecond := fs.String("timecond", "", "time condition name")
	fs.Var(&trunks, "trunk", "trunk name; repeatable (inbound: none is any trunk; outbound: tried in this order)")
	// inbound
	var in store.InboundRule
	var dest, closed string
	fs.StringVar(&in.DID, "did", "", `the called number (To user): "*" or one number`)
	fs.StringVar(&in.CallerMask, "caller", "", `caller-ID mask: "0044********", "100-199", ';' lists (default every caller)`)
	fs.BoolVar(&in.Direct, "direct", false, "direct routing: matched before every general rule, whatever the time")
	fs.StringVar(&in.Tenant, "tenant", "", "the tenant whose rule it is: on its trunks, the DID in its pool there, for its calls only")
	fs.StringVar(&dest, "dest", "", "destination KIND:TARGET (extension, group, ivr, queue, voicemail, conference, external) or hangup")
	fs.StringVar(&closed, "closed", "", "destination while the time condition is closed, as --dest")
	// outbound
	var out store.OutboundRule
	var patterns, sources multiFlag
	fs.Var(&patterns, "pattern", "[PREFIX:]PATTERN[:PREPEND], e.g. 9:NXXXXXX:030 (the prefix is stripped); repeatable")
	fs.Var(&sources, "source", `extension the rule applies to; repeatable (default "*": every extension)`)
	fs.IntVar(&out.MinLen, "min-len", 0, "shortest dialled number, prefix included (0: no bound)")
	fs.IntVar(&out.MaxLen, "max-len", 0, "longest dialled number (0: no bound)")
	fs.StringVar(&out.PINSet, "pin-set", "", "PIN set asked before the call goes out")
	fs.StringVar(&out.CallerID, "caller-id", "", "cid1 (the extension's outbound CID1, the default), cid2, trunk (the trunk's outbound CID) or a fixed number")
	fs.IntVar(&out.TimeLimit, "time-limit", 0, "call time limit, 60-31000 seconds (0: none)")
	fs.StringVar(&out.Method, "method", "", "linear (default) or linear-cycle")
	pos, err := parse(fs, args[2:])
	if err != nil {
		return err
	}
	if sub != "list" && len(pos) != 1 {
		return fmt.Errorf("route %s %s: want one NAME", dir, sub)
	}
	b, err := openBackend(*data)
	if err != nil {
		return err
	}
	defer b.close()
	switch {
	case sub == "list" && dir == "inbound":
		return inboundEntity.showList(b, stdout)
	case sub == "list":
		return outboundEntity.showList(b, stdout)
	case sub == "remove":
		remove := inboundEntity.delete
		if dir == "outbound" {
			remove = outboundEntity.delete
		}
		if err := remove(b, pos[0]); err != nil {
			return fmt.Errorf("route %s remove %s: %w", dir, pos[0], err)
		}
		return nil
	case dir == "inbound":
		in.Name, in.Order, in.TimeCondition, in.Trunks = pos[0], *order, *timecond, trunks
		if dest != "" {
			in.Destination = parseDest(dest)
		}
		if closed != "" {
			in.Closed = parseDest(closed)
		}
		err = inboundEntity.put(b, in.Name, in)
	default:
		out.Name, out.Order, out.TimeCondition, out.Trunks = pos[0], *order, *timecond, trunks
		out.Sources = sources
		if len(out.Sources) == 0 {
			out.Sources = []string{"*"}
		}
		for _, p := range patterns {
			out.Patterns = append(out.Patterns, parsePatternFlag(p))
		}
		err = outboundEntity.put(b, out.Name, out)
	}
	if err != nil {
		return fmt.Errorf("route %s add %s: %w", dir, pos[0], err)
	}
	fmt.Fprintf(stdout, "%s rule %s saved\n", dir, pos[0])
	return nil
}

var inboundEntity = entity[store.InboundRule]{path: "/api/v1/routes/inbound",
	stList: (*store.Store).ListInboundRules, stPut: (*store.Store).PutInboundRule, stDelete: (*store.Store).DeleteInboundRule,
	printList: printInbound}

var outboundEntity = entity[store.OutboundRule]{path: "/api/v1/routes/outbound",
	stList: (*store.Store).ListOutboundRules, stPut: (*store.Store).PutOutboundRule, stDelete: (*store.Store).DeleteOutboundRule,
	printList: printOutbound}

// parseDest reads KIND:TARGET, or KIND alone (hangup); the store checks it.
func parseDest(s string) store.Destination {
	kind, target, _ := strings.Cut(s, ":")
	return store.Destination{Kind: kind, Target: target}
}

// parsePatternFlag reads PATTERN, PREFIX:PATTERN or PREFIX:PATTERN:PREPEND;
// the store checks each part (no part holds a ':').
func parsePatternFlag(s string) store.OutboundPattern {
	parts := strings.SplitN(s, ":", 3)
	switch len(parts) {
	case 1:
		return store.OutboundPattern{Pattern: parts[0]}
	case 2:
		return store.OutboundPattern{Prefix: parts[0], Pattern: parts[1]}
	}
	return store.OutboundPattern{Prefix: parts[0], Pattern: parts[1], Prepend: parts[2]}
}

func printInbound(w io.Writer, list []store.InboundRule) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tDIRECT\tORDER\tTRUNKS\tTENANT\tDID\tCALLER\tTIME CONDITION\tDESTINATION\tCLOSED")
	for _, r := range list {
		trunks := strings.Join(r.Trunks, ",")
		if trunks == "" {
			trunks = "any"
		}
		fmt.Fprintf(tw, "%s\t%v\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.Direct, r.Order, trunks, orDash(r.Tenant), r.DID,
			orDash(r.CallerMask), orDash(r.TimeCondition), r.Destination, orDash(r.Closed.String()))
	}
	return tw.Flush()
}

func printOutbound(w io.Writer, list []store.OutboundRule) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tORDER\tPATTERNS\tSOURCES\tLENGTH\tTIME CONDITION\tPIN SET\tCALLER ID\tLIMIT\tTRUNKS\tMETHOD")
	for _, r := range list {
		var ps []string
		for _, p := range r.Patterns {
			ps = append(ps, p.Prefix+":"+p.Pattern+":"+p.Prepend)
		}
		length := "-"
		if r.MinLen != 0 || r.MaxLen != 0 {
			length = fmt.Sprintf("%d-%d", r.MinLen, r.MaxLen)
		}
		limit := "-"
		if r.TimeLimit != 0 {
			limit = fmt.Sprintf("%ds", r.TimeLimit)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.Order, strings.Join(ps, " "),
			strings.Join(r.Sources, ","), length, orDash(r.TimeCondition), orDash(r.PINSet), r.CallerID, limit,
			strings.Join(r.Trunks, ","), r.Method)
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
