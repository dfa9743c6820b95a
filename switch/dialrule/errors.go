package dialrule

import "fmt"

// SyntaxError says what is wrong with an input and where, so an admin UI
// can point at the offending character.
type SyntaxError struct {
	What  string // "pattern", "pool", "caller mask", "number", ...
	Input string
	Pos   int // 1-based byte position in Input; 0 when the input as a whole is wrong
	Msg   string
}

func (e *SyntaxError) Error() string {
	if e.Pos > 0 {
		return fmt.Sprintf("dialrule: %s %q: %s at position %d", e.What, e.Input, e.Msg, e.Pos)
	}
	return fmt.Sprintf("dialrule: %s %q: %s", e.What, e.Input, e.Msg)
}

func syntaxErr(what, input string, pos int, format string, args ...any) error {
	return &SyntaxError{What: what, Input: input, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}
