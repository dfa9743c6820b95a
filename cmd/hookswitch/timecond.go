package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/timecond"
	"github.com/hookswitch/hookswitch/web"
)

// timecondCmd manages time conditions (office hours):
//
//	hookswitch timecond list
//	hookswitch timecond set NAME --zone Europe/Berlin --schedule "mon-fri 09:00-18:00" [--holidays "12-25, 2026-12-31"]
//	hookswitch timecond remove NAME
//	hookswitch timecond override NAME closed|open|none [--until 2026-12-24T18:00:00Z]
func timecondCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("timecond: want list, set, remove or override")
	}
	sub := args[0]
	fs := flag.NewFlagSet("timecond "+sub, flag.ContinueOnError)
	data := dataFlag(fs)
	zone := fs.String("zone", "UTC", "IANA time zone of the schedule")
	schedule := fs.String("schedule", "", `weekly opening hours, e.g. "mon-fri 09:00-12:00,14:00-18:00; sat 10:00-13:00"`)
	holidays := fs.String("holidays", "", `closed days, e.g. "12-25, 2026-12-31, 2026-12-24..2027-01-02 09:00-12:00"`)
	until := fs.String("until", "", "override until this time (RFC 3339); default until cleared")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	b, err := openBackend(*data)
	if err != nil {
		return err
	}
	defer b.close()
	switch sub {
	case "list":
		var views []web.TimeConditionView
		if b.st != nil {
			var list []store.TimeCondition
			list, err = b.st.ListTimeConditions()
			now := time.Now()
			for _, tc := range list {
				views = append(views, web.TimeConditionView{Condition: tc.Condition, Override: tc.Override, Open: tc.Open(now)})
			}
		} else {
			err = b.call("GET", timeCondEntity.path, nil, &views)
		}
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "NAME\tZONE\tOPEN NOW\tOVERRIDE\tSCHEDULE\tHOLIDAYS")
		for _, v := range views {
			c := v.Condition
			fmt.Fprintf(w, "%s\t%s\t%v\t%s\t%s\t%s\n", c.Name(), c.Location(), v.Open, v.Override.Mode,
				c.Schedule(), timecond.FormatHolidays(c.Holidays()))
		}
		return w.Flush()
	case "set":
		if len(pos) != 1 {
			return errors.New("timecond set: want one NAME")
		}
		weekly, err := timecond.ParseSchedule(*schedule)
		if err != nil {
			return fmt.Errorf("timecond set: --schedule: %w", err)
		}
		hs, err := timecond.ParseHolidays(*holidays)
		if err != nil {
			return fmt.Errorf("timecond set: --holidays: %w", err)
		}
		c, err := timecond.New(pos[0], *zone, weekly, hs)
		if err != nil {
			return fmt.Errorf("timecond set: %w", err)
		}
		if err := timeCondEntity.put(b, pos[0], c); err != nil {
			return fmt.Errorf("timecond set %s: %w", pos[0], err)
		}
		fmt.Fprintf(stdout, "time condition %s saved\n", pos[0])
		return nil
	case "remove":
		if len(pos) != 1 {
			return errors.New("timecond remove: want one NAME")
		}
		if err := timeCondEntity.delete(b, pos[0]); err != nil {
			return fmt.Errorf("timecond remove %s: %w", pos[0], err)
		}
		return nil
	case "override":
		if len(pos) != 2 {
			return errors.New("timecond override: want NAME closed|open|none")
		}
		var ov timecond.Override
		if err := ov.Mode.UnmarshalText([]byte(pos[1])); err != nil {
			return fmt.Errorf("timecond override: %w", err)
		}
		if *until != "" {
			if ov.Until, err = time.Parse(time.RFC3339, *until); err != nil {
				return fmt.Errorf("timecond override: --until: %w", err)
			}
		}
		if b.st != nil {
			err = b.st.SetOverride(pos[0], ov)
		} else {
			err = b.call("PUT", timeCondEntity.item(pos[0])+"/override", ov, nil)
		}
		if err != nil {
			return fmt.Errorf("timecond override %s: %w", pos[0], err)
		}
		return nil
	}
	return fmt.Errorf("timecond: unknown subcommand %q: want list, set, remove or override", sub)
}

// timeCondEntity leaves list to timecondCmd: it shows whether each is open now.
var timeCondEntity = entity[*timecond.Condition]{cmd: "timecond", noun: "time condition", path: "/api/v1/timeconditions",
	stPut: (*store.Store).PutTimeCondition, stDelete: (*store.Store).DeleteTimeCondition}
