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
// reloads) or into DATA/plugins when it is not running.
func pluginCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("plugin: want add or check")
	}
	sub := args[0]
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
	return fmt.Errorf("plugin: unknown subcommand %q (want add or check)", sub)
}
