package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/hookswitch/hookswitch/plugins"
	"github.com/hookswitch/hookswitch/switch/wasm"
)

// pluginsDir picks the plugins directory: --plugins, or DATA/plugins,
// which the first run fills with the built-in plugins (as DATA/scripts).
func pluginsDir(flagDir, data string, log *slog.Logger) (string, error) {
	return seededDir("plugins", flagDir, data, "plugins", plugins.FS, log, "wrote the built-in plugins")
}

// pluginCmd: `plugin check FILE` validates offline; `plugin add FILE
// [--name NAME]` validates and installs, through the running switch (which
// reloads) or into DATA/plugins when it is not running; `plugin list` shows
// what the switch loads.
func pluginCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("plugin: want add, check, list, history, rollback or delete")
	}
	sub := args[0]
	switch sub {
	case "list":
		return pluginList(args[1:], stdout)
	case "history", "rollback", "delete":
		return pluginVersionCmd(sub, args[1:], stdout) // pluginhistory.go
	}
	fset := flag.NewFlagSet("plugin "+sub, flag.ContinueOnError)
	data := dataFlag(fset)
	name := fset.String("name", "", "file name in the plugins directory (default the file's base name)")
	pos, err := parse(fset, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("plugin %s: want one FILE", sub)
	}
	bin, err := os.ReadFile(pos[0])
	if err != nil {
		return fmt.Errorf("plugin %s: %w", sub, err)
	}
	n := *name
	if n == "" {
		n = filepath.Base(pos[0])
	}
	quiet := slog.New(slog.DiscardHandler)
	switch sub {
	case "check":
		if err := wasm.Validate(n, bin, 0, wasm.Options{Logger: quiet}); err != nil {
			return fmt.Errorf("plugin check: %w", err)
		}
		fmt.Fprintf(stdout, "%s: ok\n", pos[0])
		return nil
	case "add":
		b, err := openBackend(*data)
		if err != nil {
			return err
		}
		defer b.close()
		if b.st == nil { // the switch runs: it validates, installs and reloads
			// A cold compile of a large plugin takes seconds (more on a busy machine).
			b.http.Timeout = 2 * time.Minute
			var out struct {
				Generation uint64 `json:"generation"`
			}
			if err := b.call("POST", "/api/v1/plugins?name="+url.QueryEscape(n), bin, &out); err != nil {
				return fmt.Errorf("plugin add: %w", err)
			}
			fmt.Fprintf(stdout, "installed %s: generation %d\n", n, out.Generation)
			return nil
		}
		if err := wasm.Validate(n, bin, 0, wasm.Options{Logger: quiet}); err != nil {
			return fmt.Errorf("plugin add: %w", err)
		}
		dir := filepath.Join(*data, "plugins")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, n), bin, 0o644); err != nil {
			return fmt.Errorf("plugin add: %w", err)
		}
		fmt.Fprintf(stdout, "installed %s in %s (the switch is not running)\n", n, dir)
		return nil
	}
	return fmt.Errorf("plugin: unknown subcommand %q (want add, check, list, history, rollback or delete)", sub)
}

// pluginList prints name, size and SHA-256 of each plugin: the running
// switch's, else those of DATA/plugins (the built-in ones before the first
// run has written them).
func pluginList(args []string, stdout io.Writer) error {
	fset := flag.NewFlagSet("plugin list", flag.ContinueOnError)
	data := dataFlag(fset)
	if pos, err := parse(fset, args); err != nil {
		return err
	} else if len(pos) != 0 {
		return errors.New("plugin list: takes no arguments")
	}
	var list []plugins.Info
	b, err := openBackend(*data)
	if err != nil {
		return err
	}
	defer b.close()
	if b.st == nil {
		if err := b.call("GET", "/api/v1/plugins", nil, &list); err != nil {
			return fmt.Errorf("plugin list: %w", err)
		}
	} else {
		dir := filepath.Join(*data, "plugins")
		if _, err := os.Stat(dir); err != nil {
			dir = ""
		}
		if list, err = plugins.List(dir); err != nil {
			return err
		}
	}
	for _, p := range list {
		fmt.Fprintf(stdout, "%-24s %9d  sha256:%s\n", p.Name, p.Size, p.SHA256)
	}
	return nil
}
