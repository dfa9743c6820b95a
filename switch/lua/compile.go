package lua

import (
	"bytes"
	"errors"
	"fmt"

	glua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// MaxScriptSize bounds a script file; dial plans are small, and the parser
// and compiler recurse over the syntax tree.
const MaxScriptSize = 1 << 20

// compile parses and compiles a script once; every pooled state runs the
// resulting proto. name is used in error messages and Lua tracebacks.
func compile(name string, src []byte) (*glua.FunctionProto, error) {
	if len(src) > MaxScriptSize {
		return nil, fmt.Errorf("%s: %d bytes (max %d): %w", name, len(src), MaxScriptSize, ErrTooLarge)
	}
	chunk, err := parse.Parse(bytes.NewReader(src), name)
	if err != nil {
		return nil, syntaxError(name, err)
	}
	proto, err := glua.Compile(rewriteConcat(chunk), name)
	if err != nil {
		var cerr *glua.CompileError
		if errors.As(err, &cerr) {
			return nil, fmt.Errorf("%s:%d: %s: %w", name, cerr.Line, cerr.Message, ErrSyntax)
		}
		return nil, fmt.Errorf("%s: %v: %w", name, err, ErrSyntax)
	}
	return proto, nil
}

func syntaxError(name string, err error) error {
	var perr *parse.Error
	if !errors.As(err, &perr) {
		return fmt.Errorf("%s: %v: %w", name, err, ErrSyntax)
	}
	if perr.Pos.Line == parse.EOF {
		return fmt.Errorf("%s: at end of file: %s: %w", name, perr.Message, ErrSyntax)
	}
	return fmt.Errorf("%s:%d: %s near %q: %w", name, perr.Pos.Line, perr.Message, perr.Token, ErrSyntax)
}
