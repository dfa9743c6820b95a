package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"
	"text/tabwriter"

	"github.com/hookswitch/hookswitch/switch/conference"
)

// conferenceCmd shows and steers the live conference rooms. Rooms live in
// the running switch only, so every subcommand goes through its control
// socket.
func conferenceCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("conference: want list, kick, mute or lock")
	}
	fs := flag.NewFlagSet("conference "+args[0], flag.ContinueOnError)
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
	if b.st != nil {
		return errors.New("conference: the switch is not running (conference rooms exist only in a running switch)")
	}
	want := func(n int, usage string) error {
		if len(pos) != n {
			return fmt.Errorf("conference %s: want %s", args[0], usage)
		}
		return nil
	}
	onOff := func(s string) (bool, error) {
		switch strings.ToLower(s) {
		case "on":
			return true, nil
		case "off":
			return false, nil
		}
		return false, fmt.Errorf("conference %s: %q: want on or off", args[0], s)
	}
	esc := url.PathEscape
	switch args[0] {
	case "list":
		if err := want(0, "no arguments"); err != nil {
			return err
		}
		var rooms []conference.Info
		if err := b.call("GET", "/api/v1/conferences", nil, &rooms); err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ROOM\tLOCKED\tRECORDING\tCALL-ID\tNUMBER\tLEADER\tMUTED\tJOINED")
		for _, r := range rooms {
			for _, m := range r.Members {
				joined := "waiting"
				if !m.Joined.IsZero() {
					joined = m.Joined.Format("15:04:05")
				}
				fmt.Fprintf(w, "%s\t%v\t%v\t%s\t%s\t%v\t%v\t%s\n", r.Name, r.Locked, r.Recording, m.CallID, m.Number, m.Admin, m.Muted, joined)
			}
		}
		return w.Flush()
	case "kick":
		if err := want(2, "ROOM CALL-ID"); err != nil {
			return err
		}
		return b.call("DELETE", "/api/v1/conferences/"+esc(pos[0])+"/members/"+esc(pos[1]), nil, nil)
	case "mute":
		if err := want(3, "ROOM CALL-ID on|off"); err != nil {
			return err
		}
		on, err := onOff(pos[2])
		if err != nil {
			return err
		}
		return b.call("PUT", "/api/v1/conferences/"+esc(pos[0])+"/members/"+esc(pos[1]), map[string]bool{"muted": on}, nil)
	case "lock":
		if err := want(2, "ROOM on|off"); err != nil {
			return err
		}
		on, err := onOff(pos[1])
		if err != nil {
			return err
		}
		return b.call("PUT", "/api/v1/conferences/"+esc(pos[0])+"/lock", map[string]bool{"locked": on}, nil)
	}
	return fmt.Errorf("conference: unknown subcommand %q: want list, kick, mute or lock", args[0])
}
