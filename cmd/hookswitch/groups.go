package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/hookswitch/hookswitch/switch/group"
	"github.com/hookswitch/hookswitch/switch/store"
)

// groupCmd manages ring groups (SPEC P2):
//
//	hookswitch group list
//	hookswitch group show NUMBER
//	hookswitch group add NUMBER --members EXT,EXT... [--name N] [--strategy S] [--ring-time S]
//	                            [--no-answer KIND[:TARGET]] [--caller-id-prefix P] [--outbound-cid N]
//	hookswitch group set NUMBER [the flags of add]   changes only the flags given
//	hookswitch group delete NUMBER
func groupCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("group: want list, show, add, set or delete")
	}
	sub := args[0]
	switch sub {
	case "list", "show", "add", "set", "delete":
	default:
		return fmt.Errorf("group: unknown subcommand %q: want list, show, add, set or delete", sub)
	}
	fs := flag.NewFlagSet("group "+sub, flag.ContinueOnError)
	data := dataFlag(fs)
	var g store.Group
	var members, noAnswer string
	fs.StringVar(&g.Name, "name", "", "a friendly name")
	fs.StringVar(&g.Strategy, "strategy", "", strings.Join(group.Strategies, ", ")+" (default ringall)")
	fs.IntVar(&g.RingTime, "ring-time", 0, "seconds: per member for the hunts, the total for ringall (default 20)")
	fs.StringVar(&members, "members", "", "comma-separated extension numbers, in priority order")
	fs.StringVar(&noAnswer, "no-answer", "", `where unanswered calls go: KIND:TARGET (extension, group, ivr, queue, voicemail, conference, external), or hangup; "" clears`)
	fs.StringVar(&g.CallerIDPrefix, "caller-id-prefix", "", `shown before the caller's name to members, e.g. "Sales: "`)
	fs.StringVar(&g.OutboundCallerID, "outbound-cid", "", "caller number sent when the no-answer destination goes out through a trunk")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if sub != "list" && len(pos) != 1 {
		return fmt.Errorf("group %s: want one NUMBER", sub)
	}
	b, err := openBackend(*data)
	if err != nil {
		return err
	}
	defer b.close()
	if done, err := groupEntity.common(b, sub, pos, stdout); done {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if sub == "set" {
		// Start from the stored group: only the flags given change.
		cur, err := groupEntity.get(b, pos[0])
		if err != nil {
			return fmt.Errorf("group set %s: %w", pos[0], err)
		}
		for name, apply := range map[string]func(){
			"name":             func() { cur.Name = g.Name },
			"strategy":         func() { cur.Strategy = g.Strategy },
			"ring-time":        func() { cur.RingTime = g.RingTime },
			"caller-id-prefix": func() { cur.CallerIDPrefix = g.CallerIDPrefix },
			"outbound-cid":     func() { cur.OutboundCallerID = g.OutboundCallerID },
		} {
			if set[name] {
				apply()
			}
		}
		g = cur
	}
	g.Number = pos[0]
	if set["members"] {
		g.Members = splitList(members)
	}
	if set["no-answer"] {
		g.NoAnswer = store.Destination{}
		if noAnswer != "" {
			g.NoAnswer = parseDest(noAnswer)
		}
	}
	if sub == "add" {
		err = groupEntity.create(b, g)
	} else {
		err = groupEntity.put(b, g.Number, g)
	}
	if err != nil {
		return fmt.Errorf("group %s %s: %w", sub, g.Number, err)
	}
	fmt.Fprintf(stdout, "group %s saved\n", g.Number)
	return nil
}

var groupEntity = entity[store.Group]{cmd: "group", noun: "group", path: "/api/v1/groups",
	stList: (*store.Store).ListGroups, stGet: (*store.Store).GetGroup, stCreate: (*store.Store).CreateGroup,
	stPut: (*store.Store).PutGroup, stDelete: (*store.Store).DeleteGroup,
	printList: printGroups, printOne: printGroup}

// splitList reads "a, b,c" as [a b c]; empty items are dropped.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func printGroups(w io.Writer, list []store.Group) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NUMBER\tNAME\tSTRATEGY\tRING TIME\tMEMBERS\tNO ANSWER")
	for _, g := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%ds\t%s\t%s\n", g.Number, orDash(g.Name), g.Strategy, g.RingTime,
			strings.Join(g.Members, ","), noAnswerText(g.NoAnswer))
	}
	return tw.Flush()
}

func printGroup(w io.Writer, g store.Group) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, f := range [][2]string{
		{"number", g.Number},
		{"name", orDash(g.Name)},
		{"strategy", g.Strategy},
		{"ring time", fmt.Sprintf("%ds", g.RingTime)},
		{"members", strings.Join(g.Members, ", ")},
		{"no answer", noAnswerText(g.NoAnswer)},
		{"caller ID prefix", quotedOrDash(g.CallerIDPrefix)}, // quoted: it often ends in a space
		{"outbound caller ID", orDash(g.OutboundCallerID)},
	} {
		fmt.Fprintf(tw, "%s:\t%s\n", f[0], f[1])
	}
	return tw.Flush()
}

func quotedOrDash(s string) string {
	if s == "" {
		return "-"
	}
	return strconv.Quote(s)
}

// noAnswerText shows an unset destination as what it does.
func noAnswerText(d store.Destination) string {
	if d.Kind == "" {
		return "hangup"
	}
	return d.String()
}
