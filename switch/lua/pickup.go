package lua

import (
	"context"
	"fmt"

	glua "github.com/yuin/gopher-lua"

	"github.com/hookswitch/hookswitch/switch/hook"
)

var errNoPickup = fmt.Errorf("call:pickup: %w", hook.ErrNotAvailable)

// picker is a call that can pick up calls ringing elsewhere: the call
// layer's programs (switch/call pickup.go). Other hook.Call
// implementations lack it and call:pickup answers "not yet available".
type picker interface {
	Pickup(ctx context.Context, ext string) (string, error)
}

// pickupMethod is call:pickup([ext]): answer a call ringing ext, or one
// ringing the caller's pickup group. It returns the extension whose call
// was taken (the program's call has then ended: the picker talks to that
// caller), or nil and why (nothing ringing).
func pickupMethod(r *programRun, st *state) func(L *glua.LState) int {
	return func(L *glua.LState) int {
		ext := L.OptString(2, "")
		if ext != "" && !validDigits(ext) {
			argError(L, "call:pickup", "extension must be digits, got %q", truncate(ext))
		}
		pc, ok := r.c.(picker)
		return r.primitive(L, st, func(ctx context.Context) (glua.LValue, error) {
			if !ok {
				return nil, errNoPickup
			}
			who, err := pc.Pickup(ctx, ext)
			if err != nil {
				return nil, err
			}
			r.mu.Lock()
			r.ended = "picked up"
			r.mu.Unlock()
			return glua.LString(who), nil
		})
	}
}

func validDigits(s string) bool {
	if len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
