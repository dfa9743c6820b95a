package lua

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	glua "github.com/yuin/gopher-lua"

	"github.com/hookswitch/hookswitch/scripts"
)

// maxScripts bounds the files of one script set.
const maxScripts = 256

// scriptSet is every *.lua file of a scripts directory, compiled once per
// generation: dialplan.lua is run in each new state, the others are modules
// that `require` runs on demand.
type scriptSet struct {
	main    *script            // dialplan.lua; nil when the directory has no scripts
	modules map[string]*script // by module name: the file name without .lua
}

type script struct {
	name  string // as shown in errors: the path, or the base name when embedded
	proto *glua.FunctionProto
}

// builtinModules are provided by the engine; a script file cannot take
// their names.
var builtinModules = []string{"log", "json", "config", "kv", "http"}

// loadScripts reads and compiles every *.lua file of dir ("" = the
// embedded scripts.FS). A directory without any .lua file yields an empty
// set (the engine then implements no hook); one with modules but no
// dialplan.lua is an error.
func loadScripts(dir string) (*scriptSet, error) {
	var fsys fs.FS = scripts.FS
	display := func(name string) string { return name }
	if dir != "" {
		fsys = os.DirFS(dir)
		display = func(name string) string { return filepath.Join(dir, name) }
		if st, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("lua: scripts dir: %w", err)
		} else if !st.IsDir() {
			return nil, fmt.Errorf("lua: scripts dir %s: not a directory", dir)
		}
	}
	names, err := fs.Glob(fsys, "*.lua")
	if err != nil {
		return nil, fmt.Errorf("lua: list scripts: %w", err)
	}
	sort.Strings(names)
	if len(names) > maxScripts {
		return nil, fmt.Errorf("lua: %s: %d scripts (max %d)", display("."), len(names), maxScripts)
	}
	set := &scriptSet{modules: map[string]*script{}}
	for _, name := range names {
		mod := strings.TrimSuffix(name, ".lua")
		shown := display(name)
		if name != DialPlanFile {
			if !validModuleName(mod) {
				return nil, fmt.Errorf("%s: a module name has only letters, digits and _", shown)
			}
			for _, b := range builtinModules {
				if mod == b {
					return nil, fmt.Errorf("%s: %q is the name of a built-in module", shown, mod)
				}
			}
		}
		src, err := readFile(fsys, name, shown)
		if err != nil {
			return nil, err
		}
		proto, err := compile(shown, src)
		if err != nil {
			return nil, err
		}
		s := &script{name: shown, proto: proto}
		if name == DialPlanFile {
			set.main = s
		} else {
			set.modules[mod] = s
		}
	}
	if set.main == nil && len(set.modules) > 0 {
		return nil, fmt.Errorf("lua: %s: %w", display(DialPlanFile), fs.ErrNotExist)
	}
	return set, nil
}

func readFile(fsys fs.FS, name, shown string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("lua: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("lua: %s: not a regular file", shown)
	}
	// Read one byte past the limit so compile can report the size.
	src, err := io.ReadAll(io.LimitReader(f, MaxScriptSize+1))
	if err != nil {
		return nil, fmt.Errorf("lua: read %s: %w", shown, err)
	}
	return src, nil
}

func validModuleName(s string) bool {
	if s == "" || len(s) > 64 || path.Base(s) != s {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
