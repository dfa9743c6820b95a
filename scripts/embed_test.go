package scripts

import (
	"bytes"
	"io/fs"
	"testing"

	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// Every embedded script parses; the dial plan defines the global functions
// route and failure.
// (switch/lua tests what the scripts do.)
func TestEmbeddedScriptsParse(t *testing.T) {
	names, err := fs.Glob(FS, "*.lua")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no embedded scripts")
	}
	for _, name := range names {
		src, err := fs.ReadFile(FS, name)
		if err != nil {
			t.Fatal(err)
		}
		chunk, err := parse.Parse(bytes.NewReader(src), name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if name == "dialplan.lua" {
			for _, fn := range []string{"route", "failure"} {
				if !definesGlobal(chunk, fn) {
					t.Errorf("%s does not define function %s", name, fn)
				}
			}
		}
	}
}

func definesGlobal(chunk []ast.Stmt, name string) bool {
	for _, s := range chunk {
		if def, ok := s.(*ast.FuncDefStmt); ok && def.Name.Receiver == nil {
			if id, ok := def.Name.Func.(*ast.IdentExpr); ok && id.Value == name {
				return true
			}
		}
	}
	return false
}
