package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"text/tabwriter"

	"github.com/hookswitch/hookswitch/switch/store"
)

// blacklistCmd manages the numbers refused as callers.
func blacklistCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("blacklist: want list, add or remove")
	}
	fs := flag.NewFlagSet("blacklist "+args[0], flag.ContinueOnError)
	data := dataFlag(fs)
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	b, err := openBackend(*data)
	if err != nil {
		return err
	}
	defer b.close()
	switch args[0] {
	case "list":
		var list []store.Blocked
		if b.st != nil {
			list, err = b.st.Blacklist()
		} else {
			err = b.call("GET", "/api/v1/blacklist", nil, &list)
		}
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "NUMBER\tBY\tADDED")
		for _, e := range list {
			fmt.Fprintf(w, "%s\t%s\t%s\n", e.Number, e.By, e.Added.Format("2006-01-02 15:04"))
		}
		return w.Flush()
	case "add", "remove":
		if len(pos) != 1 {
			return fmt.Errorf("blacklist %s: want one number", args[0])
		}
		n := pos[0]
		switch {
		case args[0] == "add" && b.st != nil:
			err = b.st.Block(n, "admin")
		case args[0] == "add":
			err = b.call("POST", "/api/v1/blacklist", map[string]string{"number": n}, nil)
		case b.st != nil:
			err = b.st.Unblock(n)
		default:
			err = b.call("DELETE", "/api/v1/blacklist/"+url.PathEscape(n), nil, nil)
		}
		if err != nil {
			return fmt.Errorf("blacklist %s %s: %w", args[0], n, err)
		}
		return nil
	}
	return fmt.Errorf("blacklist: unknown subcommand %q: want list, add or remove", args[0])
}
