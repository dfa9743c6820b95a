package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/hookswitch/hookswitch/plugins"
	"github.com/hookswitch/hookswitch/switch/hook"
)

// pluginVersionCmd: `plugin history NAME` lists a plugin's earlier
// versions (kept on each replace and delete); `plugin rollback NAME` puts
// the newest back and `plugin delete NAME` removes the plugin, each with a
// reload of the running switch that changes nothing when it fails.
func pluginVersionCmd(sub string, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("plugin "+sub, flag.ContinueOnError)
	data := dataFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("plugin %s: want one NAME, e.g. billing.wasm (see 'hookswitch plugin list')", sub)
	}
	name := pos[0]
	if !hook.ValidPluginName(name) {
		return fmt.Errorf("plugin %s: NAME %q: want a plugin file name such as dialplan.wasm (letters, digits, _ - .)", sub, name)
	}
	path := "/api/v1/plugins/" + url.PathEscape(name)
	if sub == "history" {
		b, err := openBackend(*data)
		if err != nil {
			return err
		}
		defer b.close()
		var vs []plugins.Version
		if b.st != nil {
			vs, err = plugins.Versions(filepath.Join(*data, "plugins"), name)
		} else {
			err = b.call("GET", path+"/history", nil, &vs)
		}
		if err != nil {
			return fmt.Errorf("plugin history %s: %w", name, err)
		}
		if len(vs) == 0 {
			fmt.Fprintf(stdout, "%s: no earlier versions\n", name)
			return nil
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "VERSION\tSAVED\tSIZE\tSHA-256")
		for _, v := range vs {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", v.Version, v.Saved.Local().Format(time.DateTime), v.Size, v.SHA256)
		}
		return tw.Flush()
	}
	b, err := runningSwitch(*data, "plugin "+sub, "it reloads, and keeps the plugin as it was when the reload fails")
	if err != nil {
		return err
	}
	defer b.close()
	b.http.Timeout = 2 * time.Minute // a reload compiles the plugins: seconds on a busy machine
	var out struct {
		Generation uint64 `json:"generation"`
		Version    string `json:"version"`
	}
	switch sub {
	case "delete":
		err = b.call("DELETE", path, nil, &out)
	case "rollback":
		err = b.call("POST", path+"/rollback", nil, &out)
	default:
		return errors.New("plugin: want history, rollback or delete")
	}
	if err != nil {
		return fmt.Errorf("plugin %s %s: %w", sub, name, err)
	}
	if sub == "delete" {
		fmt.Fprintf(stdout, "deleted %s: generation %d (kept as its newest earlier version: 'plugin rollback %s' brings it back)\n", name, out.Generation, name)
	} else {
		fmt.Fprintf(stdout, "rolled %s back to version %s: generation %d\n", name, out.Version, out.Generation)
	}
	return nil
}
