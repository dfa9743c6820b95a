package lua

import (
	"errors"
	"fmt"

	glua "github.com/yuin/gopher-lua"

	"github.com/hookswitch/hookswitch/switch/queue"
	"github.com/hookswitch/hookswitch/switch/store"
)

// Queues is the call queues as scripts steer them; *queue.Manager
// satisfies it.
type Queues interface {
	Login(queue, ext string) error // queue "" = every queue ext is a dynamic agent of
	Logout(queue, ext string) error
	Pause(ext, reason string) error // in every queue
	Unpause(ext string) error
	// Config is a queue's settings; ok false when no queue has the number.
	Config(number string) (q store.Queue, ok bool)
	Status(number string) (queue.QueueStatus, error)
}

// queueModule: queue.login(q, ext), queue.logout(q, ext) (q "" = every
// queue), queue.pause(ext [, reason]), queue.unpause(ext) -> true;
// queue.get(number) -> {number =, name =, no_answer = {kind =, target =}
// or nil} or nil; queue.status(number) -> {waiting =, ready =}. Failures
// return nil, err.
func (st *state) queueModule() *glua.LTable {
	L := st.L
	qs := st.e.opts.Queues
	t := L.NewTable()
	fail := func(L *glua.LState, err error) int {
		L.Push(glua.LNil)
		L.Push(glua.LString(err.Error()))
		return 2
	}
	none := errors.New("queue: no call queues in this switch")
	fn := func(name string, f func(L *glua.LState) int) { t.RawSetString(name, L.NewFunction(f)) }
	change := func(name string, do func(L *glua.LState) error) {
		fn(name, func(L *glua.LState) int {
			if qs == nil {
				return fail(L, none)
			}
			if err := do(L); err != nil {
				return fail(L, fmt.Errorf("queue.%s: %w", name, err))
			}
			L.Push(glua.LTrue)
			return 1
		})
	}
	change("login", func(L *glua.LState) error { return qs.Login(L.CheckString(1), L.CheckString(2)) })
	change("logout", func(L *glua.LState) error { return qs.Logout(L.CheckString(1), L.CheckString(2)) })
	change("pause", func(L *glua.LState) error { return qs.Pause(L.CheckString(1), L.OptString(2, "")) })
	change("unpause", func(L *glua.LState) error { return qs.Unpause(L.CheckString(1)) })
	fn("get", func(L *glua.LState) int {
		n := L.CheckString(1)
		if qs == nil {
			L.Push(glua.LNil)
			return 1
		}
		q, ok := qs.Config(n)
		if !ok {
			L.Push(glua.LNil)
			return 1
		}
		d := L.CreateTable(0, 3)
		d.RawSetString("number", glua.LString(q.Number))
		d.RawSetString("name", glua.LString(q.Name))
		if q.NoAnswer != (store.Destination{}) {
			na := L.CreateTable(0, 2)
			na.RawSetString("kind", glua.LString(q.NoAnswer.Kind))
			na.RawSetString("target", glua.LString(q.NoAnswer.Target))
			d.RawSetString("no_answer", na)
		}
		L.Push(d)
		return 1
	})
	fn("status", func(L *glua.LState) int {
		n := L.CheckString(1)
		if qs == nil {
			return fail(L, none)
		}
		s, err := qs.Status(n)
		if err != nil {
			return fail(L, fmt.Errorf("queue.status: %w", err))
		}
		d := L.CreateTable(0, 2)
		d.RawSetString("waiting", glua.LNumber(len(s.Callers)))
		d.RawSetString("ready", glua.LNumber(s.Ready()))
		L.Push(d)
		return 1
	})
	return t
}
