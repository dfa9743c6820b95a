package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/hookswitch/hookswitch/scripts"
	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/server"
)

// scriptsDir picks the scripts directory: --scripts, or DATA/scripts,
// filled with the built-in set on the first run so an admin can edit it
// and see it hot-reloaded.
func scriptsDir(flagDir, data string, log *slog.Logger) (string, error) {
	return seededDir("scripts", flagDir, data, "scripts", scripts.FS, log,
		"wrote the default scripts; edit them, the switch reloads on save")
}

// scriptCmd: `script check [--scripts DIR]` validates offline, as a reload
// would; `script reload` asks the running switch to reload.
func scriptCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("script: want check or reload")
	}
	fs := flag.NewFlagSet("script "+args[0], flag.ContinueOnError)
	data := dataFlag(fs)
	dir := fs.String("scripts", "", "scripts directory (default DATA/scripts)")
	plugins := fs.String("plugins", "", "plugins directory (default DATA/plugins if it exists, else the built-in plugins)")
	if _, err := parse(fs, args[1:]); err != nil {
		return err
	}
	switch args[0] {
	case "check":
		d := *dir
		if d == "" {
			d = filepath.Join(*data, "scripts")
		}
		p := *plugins
		if p == "" {
			if st, err := os.Stat(filepath.Join(*data, "plugins")); err == nil && st.IsDir() {
				p = filepath.Join(*data, "plugins")
			}
		}
		if err := hook.Check(d, server.Factories(slog.New(slog.DiscardHandler), server.Deps{PluginsDir: p})); err != nil {
			return fmt.Errorf("script check: %w", err)
		}
		fmt.Fprintf(stdout, "%s: ok\n", d)
		return nil
	case "reload":
		b, err := openBackend(*data)
		if err != nil {
			return err
		}
		defer b.close()
		if b.st != nil {
			return errors.New("script reload: the switch is not running (the data dir is free)")
		}
		var out struct {
			Generation uint64 `json:"generation"`
		}
		if err := b.call("POST", "/api/v1/scripts/reload", nil, &out); err != nil {
			return fmt.Errorf("script reload: %w", err)
		}
		fmt.Fprintf(stdout, "reloaded: generation %d\n", out.Generation)
		return nil
	}
	return fmt.Errorf("script: unknown subcommand %q (want check or reload)", args[0])
}
