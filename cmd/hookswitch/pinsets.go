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

// pinSetCmd manages the PIN sets that outbound rules ask callers for
// (SPEC T3):
//
//	hookswitch pinset list
//	hookswitch pinset show NAME [--reveal]
//	hookswitch pinset set NAME [--pins PIN[:LABEL],...] [--description D]   changes only the flags given
//	hookswitch pinset add-pin NAME PIN[:LABEL]
//	hookswitch pinset remove-pin NAME PIN
//	hookswitch pinset delete NAME
//
// Output and errors never show a PIN, except `show --reveal`.
func pinSetCmd(args []string, stdout io.Writer) error {
	const subs = "list, show, set, add-pin, remove-pin or delete"
	if len(args) == 0 {
		return errors.New("pinset: want " + subs)
	}
	sub := args[0]
	want := map[string]int{"list": 0, "show": 1, "set": 1, "add-pin": 2, "remove-pin": 2, "delete": 1}
	n, ok := want[sub]
	if !ok {
		return fmt.Errorf("pinset: unknown subcommand %q: want %s", sub, subs)
	}
	fs := flag.NewFlagSet("pinset "+sub, flag.ContinueOnError)
	data := dataFlag(fs)
	pins := fs.String("pins", "", "PIN[:LABEL],... the set's PINs (4-16 digits each), replacing the old ones")
	desc := fs.String("description", "", "what the set is for")
	rev := fs.Bool("reveal", false, "show: print the PINs in the clear")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != n {
		usage := map[string]string{"list": "no argument", "show": "one NAME", "set": "one NAME", "delete": "one NAME",
			"add-pin": "NAME PIN[:LABEL]", "remove-pin": "NAME PIN"}
		return fmt.Errorf("pinset %s: want %s", sub, usage[sub])
	}
	b, err := openBackend(*data)
	if err != nil {
		return err
	}
	defer b.close()
	if done, err := pinSetEntity.common(b, sub, pos, stdout); done {
		return err
	}
	switch sub {
	case "show":
		p, err := getPINSet(b, pos[0], *rev)
		if err != nil {
			return fmt.Errorf("pinset show %s: %w", pos[0], err)
		}
		return printPINSet(stdout, p)
	case "add-pin":
		p := parsePIN(pos[1])
		if b.st != nil {
			err = b.st.AddPIN(pos[0], p)
		} else {
			err = b.call("POST", pinSetEntity.item(pos[0])+"/pins", p, nil)
		}
		if err != nil {
			return fmt.Errorf("pinset add-pin %s: %w", pos[0], err)
		}
		fmt.Fprintf(stdout, "PIN added to pin set %s\n", pos[0])
		return nil
	case "remove-pin":
		if b.st != nil {
			err = b.st.RemovePIN(pos[0], pos[1])
		} else {
			err = b.call("POST", pinSetEntity.item(pos[0])+"/pins/remove", store.PIN{PIN: pos[1]}, nil)
		}
		if err != nil {
			return fmt.Errorf("pinset remove-pin %s: %w", pos[0], err)
		}
		fmt.Fprintf(stdout, "PIN removed from pin set %s\n", pos[0])
		return nil
	}
	// set: start from the stored set, so only the flags given change.
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	p := store.PINSet{Name: pos[0]}
	cur, err := getPINSet(b, p.Name, true)
	switch {
	case err == nil:
		p.Description, p.PINs = cur.Description, cur.PINs
	case !notFound(b, err):
		return fmt.Errorf("pinset set %s: %w", p.Name, err)
	}
	if set["description"] {
		p.Description = *desc
	}
	if set["pins"] {
		p.PINs = []store.PIN{} // "" is an empty list: refused, not "keep"
		for _, item := range strings.Split(*pins, ",") {
			if item = strings.TrimSpace(item); item != "" {
				p.PINs = append(p.PINs, parsePIN(item))
			}
		}
	}
	if err := pinSetEntity.put(b, p.Name, p); err != nil {
		return fmt.Errorf("pinset set %s: %w", p.Name, err)
	}
	fmt.Fprintf(stdout, "pin set %s saved (%d PINs)\n", p.Name, len(p.PINs))
	return nil
}

// parsePIN reads PIN[:LABEL]; the store validates both.
func parsePIN(s string) store.PIN {
	pin, label, _ := strings.Cut(s, ":")
	return store.PIN{PIN: strings.TrimSpace(pin), Label: strings.TrimSpace(label)}
}

// pinSetEntity leaves show to pinSetCmd: it masks the PINs unless --reveal.
var pinSetEntity = entity[store.PINSet]{cmd: "pinset", noun: "pin set", path: "/api/v1/pinsets",
	stList: (*store.Store).ListPINSets, stGet: (*store.Store).GetPINSet,
	stPut: (*store.Store).PutPINSet, stDelete: (*store.Store).DeletePINSet,
	printList: printPINSets}

// getPINSet reads a set, its PINs masked unless reveal.
func getPINSet(b *backend, name string, reveal bool) (store.PINSet, error) {
	if reveal && b.st == nil {
		var p store.PINSet
		err := b.call("GET", pinSetEntity.item(name)+"?reveal=1", nil, &p)
		return p, err
	}
	p, err := pinSetEntity.get(b, name)
	if err != nil || reveal {
		return p, err
	}
	return p.Masked(), nil // the switch masked them already; masking twice changes nothing
}

func printPINSets(w io.Writer, list []store.PINSet) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPINS\tDESCRIPTION")
	for _, p := range list {
		fmt.Fprintf(tw, "%s\t%d\t%s\n", p.Name, len(p.PINs), orDash(p.Description))
	}
	return tw.Flush()
}

func printPINSet(w io.Writer, p store.PINSet) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "name:\t%s\n", p.Name)
	fmt.Fprintf(tw, "description:\t%s\n", orDash(p.Description))
	fmt.Fprintf(tw, "pins:\t%d\n", len(p.PINs))
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PIN\tLABEL")
	for _, e := range p.PINs {
		fmt.Fprintf(tw, "%s\t%s\n", e.PIN, orDash(e.Label))
	}
	return tw.Flush()
}
