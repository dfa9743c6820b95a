package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	glua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"

	"github.com/hookswitch/hookswitch/scripts"
	"github.com/hookswitch/hookswitch/switch/filehist"
	"github.com/hookswitch/hookswitch/switch/lua"
)

// ScriptFiles is what the script editor needs beyond Live: where the
// scripts are. A Live without it answers 501 on the editor's routes.
type ScriptFiles interface {
	// ScriptsDir is the scripts directory; "" when the switch runs the
	// built-in set read-only (the editor then only shows it).
	ScriptsDir() string
}

const (
	// historyDir keeps earlier versions: DIR/.history/NAME/VERSION (the
	// plugins' history, package filehist).
	historyDir = filehist.DirName
	// maxHistory versions are kept per script; older ones are dropped.
	maxHistory = 20
)

// scriptHistory is the history of the scripts in dir.
func scriptHistory(dir string) filehist.History {
	return filehist.History{Dir: dir, Keep: maxHistory}
}

// scriptEdits serialises saves, rollbacks and restores across the API's
// listeners (control socket and --http): a save's write, reload and
// undo belong together.
var scriptEdits sync.Mutex

// scriptName is a file the Lua loader takes as a module (or the dial
// plan): letters, digits and _, then .lua; no path, no dot files.
var scriptName = regexp.MustCompile(`^[A-Za-z0-9_]{1,64}\.lua$`)

// ScriptInfo is a script as listed.
type ScriptInfo struct {
	Name     string    `json:"name"`
	Size     int64     `json:"size"`
	Modified time.Time `json:"modified,omitzero"`
}

// ScriptVersion is an earlier version of a script.
type ScriptVersion = filehist.Version

func (a *API) scriptRoutes(r chi.Router) {
	r.Get("/api/v1/scripts", a.scripts)
	r.Post("/api/v1/scripts/reload", a.reload)
	r.Get("/api/v1/scripts/{name}", a.getScript)
	r.Put("/api/v1/scripts/{name}", a.putScript)
	r.Get("/api/v1/scripts/{name}/history", a.listScriptHistory)
	r.Get("/api/v1/scripts/{name}/history/{version}", a.getScriptVersion)
	r.Post("/api/v1/scripts/{name}/rollback", a.rollbackScript)
}

// scriptsDir is the editable directory: "" with ok when the built-in set
// runs read-only; !ok (and an answer sent) when the Live cannot say.
func (a *API) scriptsDir(w http.ResponseWriter) (string, bool) {
	sf, ok := a.L.(ScriptFiles)
	if !ok {
		writeErr(w, http.StatusNotImplemented, errors.New("this switch does not expose its scripts"))
		return "", false
	}
	return sf.ScriptsDir(), true
}

// scripts lists the scripts with the running generation.
func (a *API) scripts(w http.ResponseWriter, r *http.Request) {
	out := map[string]any{"generation": a.L.ScriptGeneration()}
	sf, ok := a.L.(ScriptFiles)
	if !ok {
		writeJSON(w, 200, out) // the generation alone, as before the editor
		return
	}
	dir := sf.ScriptsDir()
	fsys := fs.FS(scripts.FS)
	if dir != "" {
		fsys = os.DirFS(dir)
	}
	names, err := fs.Glob(fsys, "*.lua")
	if err != nil {
		writeErr(w, 500, fmt.Errorf("list scripts: %w", err))
		return
	}
	list := []ScriptInfo{}
	for _, n := range names {
		st, err := fs.Stat(fsys, n)
		if err != nil || !st.Mode().IsRegular() {
			continue
		}
		info := ScriptInfo{Name: n, Size: st.Size()}
		if dir != "" {
			info.Modified = st.ModTime().UTC()
		}
		list = append(list, info)
	}
	out["scripts"], out["read_only"] = list, dir == ""
	writeJSON(w, 200, out)
}

// reload answers 200 with the new generation, or 422 with the error (file
// and line) and the generation still running.
func (a *API) reload(w http.ResponseWriter, r *http.Request) {
	gen, err := a.L.ReloadScripts()
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": err.Error(), "generation": gen})
		return
	}
	writeJSON(w, 200, map[string]any{"generation": gen})
}

// scriptParam checks the {name} of a script route.
func scriptParam(w http.ResponseWriter, r *http.Request) (string, bool) {
	name := chi.URLParam(r, "name")
	if !scriptName.MatchString(name) {
		writeErr(w, 400, fmt.Errorf("name %q: want a script file name such as dialplan.lua (letters, digits, _)", name))
		return "", false
	}
	return name, true
}

// getScript answers the script's text.
func (a *API) getScript(w http.ResponseWriter, r *http.Request) {
	name, ok := scriptParam(w, r)
	if !ok {
		return
	}
	dir, ok := a.scriptsDir(w)
	if !ok {
		return
	}
	var src []byte
	var err error
	if dir == "" {
		src, err = fs.ReadFile(scripts.FS, name)
	} else {
		src, err = readBounded(filepath.Join(dir, name), lua.MaxScriptSize)
	}
	if errors.Is(err, fs.ErrNotExist) {
		writeErr(w, 404, fmt.Errorf("script %s: not found", name))
		return
	} else if err != nil {
		writeErr(w, 500, fmt.Errorf("script %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/x-lua; charset=utf-8")
	w.Write(src)
}

// putScript checks, saves and reloads: 200 {"generation","name"}; 422
// {"error","line"} for a script that does not compile or a reload that
// fails with it, and then nothing changed.
func (a *API) putScript(w http.ResponseWriter, r *http.Request) {
	name, ok := scriptParam(w, r)
	if !ok {
		return
	}
	dir, ok := a.scriptsDir(w)
	if !ok {
		return
	}
	src, err := io.ReadAll(http.MaxBytesReader(w, r.Body, lua.MaxScriptSize))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeErr(w, http.StatusRequestEntityTooLarge, fmt.Errorf("body: a script is at most %d bytes", lua.MaxScriptSize))
			return
		}
		writeErr(w, 400, fmt.Errorf("body: %w", err))
		return
	}
	if dir == "" {
		writeErr(w, http.StatusConflict, errors.New("the switch runs the built-in scripts read-only (start it with --scripts DIR, or without --scripts embedded)"))
		return
	}
	scriptEdits.Lock()
	defer scriptEdits.Unlock()
	gen, err := a.saveScript(dir, name, src)
	if err != nil {
		scriptFailed(w, name, err, gen)
		return
	}
	writeJSON(w, 200, map[string]any{"generation": gen, "name": name, "size": len(src)})
}

// rollbackScript puts back the newest earlier version (which leaves the
// history: rolling back again goes one further back), with a save's checks.
func (a *API) rollbackScript(w http.ResponseWriter, r *http.Request) {
	name, ok := scriptParam(w, r)
	if !ok {
		return
	}
	dir, ok := a.scriptsDir(w)
	if !ok {
		return
	}
	if dir == "" {
		writeErr(w, http.StatusConflict, errors.New("the switch runs the built-in scripts read-only"))
		return
	}
	scriptEdits.Lock()
	defer scriptEdits.Unlock()
	vs, err := scriptHistory(dir).List(name)
	if err != nil {
		writeErr(w, 500, err)
		return
	}
	if len(vs) == 0 {
		writeErr(w, 404, fmt.Errorf("script %s: no earlier version", name))
		return
	}
	vpath := scriptHistory(dir).Path(name, vs[0].Version)
	src, err := readBounded(vpath, lua.MaxScriptSize)
	if err != nil {
		writeErr(w, 500, fmt.Errorf("script %s: version %s: %w", name, vs[0].Version, err))
		return
	}
	gen, err := a.replaceScript(dir, name, src, false)
	if err != nil {
		scriptFailed(w, name, err, gen)
		return
	}
	if err := os.Remove(vpath); err != nil {
		writeErr(w, 500, fmt.Errorf("script %s: rolled back, but version %s stays in the history: %w", name, vs[0].Version, err))
		return
	}
	writeJSON(w, 200, map[string]any{"generation": gen, "name": name, "version": vs[0].Version})
}

func (a *API) listScriptHistory(w http.ResponseWriter, r *http.Request) {
	name, ok := scriptParam(w, r)
	if !ok {
		return
	}
	dir, ok := a.scriptsDir(w)
	if !ok {
		return
	}
	vs := []ScriptVersion{}
	if dir != "" {
		var err error
		if vs, err = scriptHistory(dir).List(name); err != nil {
			writeErr(w, 500, err)
			return
		}
	}
	writeJSON(w, 200, vs)
}

func (a *API) getScriptVersion(w http.ResponseWriter, r *http.Request) {
	name, ok := scriptParam(w, r)
	if !ok {
		return
	}
	v := chi.URLParam(r, "version")
	if !filehist.ValidVersion(v) {
		writeErr(w, 400, fmt.Errorf("version %q: want a version from the history", v))
		return
	}
	dir, ok := a.scriptsDir(w)
	if !ok {
		return
	}
	if dir == "" {
		writeErr(w, 404, fmt.Errorf("script %s: no version %s", name, v))
		return
	}
	src, err := readBounded(scriptHistory(dir).Path(name, v), lua.MaxScriptSize)
	if errors.Is(err, fs.ErrNotExist) {
		writeErr(w, 404, fmt.Errorf("script %s: no version %s", name, v))
		return
	} else if err != nil {
		writeErr(w, 500, fmt.Errorf("script %s: version %s: %w", name, v, err))
		return
	}
	w.Header().Set("Content-Type", "text/x-lua; charset=utf-8")
	w.Write(src)
}

// scriptError is a refused script: the message, and its line when known.
type scriptError struct {
	line int
	err  error
}

func (e *scriptError) Error() string { return e.err.Error() }
func (e *scriptError) Unwrap() error { return e.err }

func scriptFailed(w http.ResponseWriter, name string, err error, gen uint64) {
	var se *scriptError
	if !errors.As(err, &se) {
		writeErr(w, 500, fmt.Errorf("script %s: %w", name, err))
		return
	}
	out := map[string]any{"error": se.Error(), "generation": gen}
	if se.line > 0 {
		out["line"] = se.line
	}
	writeJSON(w, http.StatusUnprocessableEntity, out)
}

// saveScript is a PUT: the current version goes to the history, the new
// one is checked, written and loaded.
func (a *API) saveScript(dir, name string, src []byte) (uint64, error) {
	return a.replaceScript(dir, name, src, true)
}

// replaceScript checks src, puts it in place of name (the current version
// into the history when keep) and reloads. A failure leaves the files and
// the running generation as they were; the error is a *scriptError for
// what the script's author must fix.
func (a *API) replaceScript(dir, name string, src []byte, keep bool) (uint64, error) {
	gen := a.L.ScriptGeneration()
	if line, err := checkLua(name, src); err != nil {
		return gen, &scriptError{line: line, err: err}
	}
	path := filepath.Join(dir, name)
	old, err := readBounded(path, lua.MaxScriptSize)
	existed := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return gen, fmt.Errorf("read the current version: %w", err)
	}
	var saved string // the history entry this save made
	if existed && keep {
		v, err := scriptHistory(dir).Save(name, old)
		if err != nil {
			return gen, err
		}
		saved = scriptHistory(dir).Path(name, v)
	}
	if err := writeFileAtomic(path, src, 0o644); err != nil {
		if saved != "" {
			os.Remove(saved)
		}
		return gen, fmt.Errorf("write %s: %w", name, err)
	}
	gen, err = a.L.ReloadScripts()
	if err == nil {
		return gen, nil
	}
	// The failed reload swapped nothing: the running generation is still
	// the one built from the files put back here, so no second reload.
	var undo error
	if existed {
		undo = writeFileAtomic(path, old, 0o644)
	} else {
		undo = os.Remove(path)
	}
	if saved != "" {
		os.Remove(saved)
	}
	if undo != nil {
		return gen, fmt.Errorf("reload failed (%v), and putting back the previous %s failed: %w", err, name, undo)
	}
	return gen, &scriptError{line: errorLine(err.Error(), name), err: err}
}

// checkLua compiles a script as the engine would, without running it, and
// returns the line of a syntax error (0 when the parser gives none).
func checkLua(name string, src []byte) (int, error) {
	chunk, err := parse.Parse(bytes.NewReader(src), name)
	if err != nil {
		var perr *parse.Error
		if errors.As(err, &perr) {
			if perr.Pos.Line == parse.EOF {
				return max(bytes.Count(src, []byte("\n")), 1), fmt.Errorf("%s: at end of file: %s", name, perr.Message)
			}
			return perr.Pos.Line, fmt.Errorf("%s:%d: %s near %q", name, perr.Pos.Line, perr.Message, perr.Token)
		}
		return 0, fmt.Errorf("%s: %v", name, err)
	}
	if _, err := glua.Compile(chunk, name); err != nil {
		var cerr *glua.CompileError
		if errors.As(err, &cerr) {
			return cerr.Line, fmt.Errorf("%s:%d: %s", name, cerr.Line, cerr.Message)
		}
		return 0, fmt.Errorf("%s: %v", name, err)
	}
	return 0, nil
}

// errorLine finds "NAME:LINE:" in a reload error (the engines name files
// by path), 0 when the error is not about that file.
func errorLine(msg, name string) int {
	m := regexp.MustCompile(`(?:^|[/\s])` + regexp.QuoteMeta(name) + `:(\d+):`).FindStringSubmatch(msg)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// readBounded reads a regular file of at most limit bytes.
func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err == nil && int64(len(b)) > limit {
		err = fmt.Errorf("%s: larger than %d bytes", path, limit)
	}
	return b, err
}

// writeFileAtomic replaces path atomically (filehist.WriteAtomic: its
// temporary name starts with a dot, which the scripts watcher and loader
// skip).
func writeFileAtomic(path string, b []byte, perm os.FileMode) error {
	return filehist.WriteAtomic(path, b, perm)
}
