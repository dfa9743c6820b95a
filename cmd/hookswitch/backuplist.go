package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/hookswitch/hookswitch/web"
)

// backupListCmd: `backup list [--dir DIR]` shows the scheduled backups
// (serve --backup-every): the running switch's schedule, last outcome and
// files, or with the switch stopped the files in DIR (default
// DATA/backups, as serve's --backup-dir).
func backupListCmd(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup list", flag.ContinueOnError)
	data := dataFlag(fs)
	dir := fs.String("dir", "", "the scheduled backups' directory when the switch is not running (default DATA/backups)")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) != 0 {
		return errors.New("backup list: takes no arguments (--dir DIR)")
	}
	b, err := openBackend(*data)
	if err != nil {
		return err
	}
	defer b.close()
	var p web.BackupSchedulePage
	if b.st != nil {
		if *dir == "" {
			*dir = filepath.Join(*data, "backups")
		}
		p.Dir = *dir
		if p.Backups, err = (&web.BackupSchedule{Dir: *dir}).List(); err != nil {
			return fmt.Errorf("backup list: --dir: %w", err)
		}
	} else {
		if *dir != "" {
			return errors.New("backup list: --dir is for a stopped switch; the running one lists its own --backup-dir")
		}
		if err := b.call("GET", "/api/v1/backups", nil, &p); err != nil {
			return fmt.Errorf("backup list: %w", err)
		}
	}
	switch {
	case b.st != nil:
		fmt.Fprintf(stdout, "scheduled backups in %s (the switch is not running)\n", p.Dir)
	case !p.Enabled:
		fmt.Fprintln(stdout, "scheduled backups: off (serve --backup-every)")
	default:
		fmt.Fprintf(stdout, "scheduled backups: every %s into %s, keeping %d\n", time.Duration(p.EverySeconds)*time.Second, p.Dir, p.Keep)
		if !p.LastRun.IsZero() {
			fmt.Fprintf(stdout, "last run: %s\n", p.LastRun.Local().Format(time.DateTime))
		}
		if !p.NextRun.IsZero() {
			fmt.Fprintf(stdout, "next run: %s\n", p.NextRun.Local().Format(time.DateTime))
		}
	}
	if p.LastError != "" {
		fmt.Fprintf(stdout, "last error: %s\n", p.LastError)
	}
	if len(p.Backups) == 0 {
		fmt.Fprintln(stdout, "no backups")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tSIZE\tFILE")
	for _, f := range p.Backups {
		fmt.Fprintf(tw, "%s\t%d\t%s\n", f.Time.Local().Format(time.DateTime), f.Size, filepath.Join(p.Dir, f.Name))
	}
	return tw.Flush()
}
