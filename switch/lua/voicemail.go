package lua

import (
	"fmt"
	"strings"
	"time"

	glua "github.com/yuin/gopher-lua"
)

// Voicemail is what the voicemail module needs of the voicemail boxes;
// *voicemail.Store satisfies it as is (its Message is an alias of the
// same plain struct as VoicemailMessage, so neither package imports the
// other). Scripts never see paths: audio is named by tokens that the
// player resolves ("rec:<id>", "vm:<box>/<id>", "vmg:<box>/<kind>").
type Voicemail interface {
	Exists(box string) (bool, error)
	HasPIN(box string) bool
	CheckPIN(box, pin string) bool
	SetPIN(box, pin string) error
	Counts(box string) (newMsgs, saved int, err error)
	Greeting(box, kind string) (path string, ok bool)
	Messages(box, folder string) ([]VoicemailMessage, error)
	Deposit(box, recID, caller, callerName string) (VoicemailMessage, error)
	MarkSaved(box, id string) error
	Delete(box, id string) error
	SetGreeting(box, kind, recID string) error
	RemoveGreeting(box, kind string) error
	// Discard deletes a recording a program made and does not keep (a
	// message too short, a conference member's name).
	Discard(recID string) error
}

// VoicemailMessage is one message (voicemail.Message: keep the two the
// same, field for field).
type VoicemailMessage = struct {
	ID         string // the recording's ID
	Box        string
	Folder     string // new or saved
	Caller     string
	CallerName string
	Received   time.Time
	Duration   time.Duration
	Path       string // the WAV file
}

// greetingKinds are the greetings voicemail.box reports, in order.
var greetingKinds = [...]string{"unavailable", "busy", "temp"}

// voicemailModule: voicemail.box, check_pin, set_pin, messages, deposit,
// save, delete, set_greeting, remove_greeting and discard over
// Options.Voicemail.
// Failures return nil, err; wrong argument types raise an error.
func (st *state) voicemailModule() *glua.LTable {
	L := st.L
	vm := st.e.opts.Voicemail
	fail := func(L *glua.LState, fn string, err error) int {
		L.Push(glua.LNil)
		L.Push(glua.LString(fn + ": " + err.Error()))
		return 2
	}
	notConfigured := func(L *glua.LState) int {
		L.Push(glua.LNil)
		L.Push(glua.LString("voicemail: not configured"))
		return 2
	}
	t := L.NewTable()
	// Each function checks its arguments before it checks vm: a script
	// tested without voicemail must not hide a type error.
	fn := func(name string, f func(L *glua.LState) int) { t.RawSetString(name, L.NewFunction(f)) }
	done := func(L *glua.LState, name string, err error) int {
		if err != nil {
			return fail(L, "voicemail."+name, err)
		}
		L.Push(glua.LTrue)
		return 1
	}
	// voicemail.box(number [, tenant]): with tenant (call.tenant, "" the
	// switch's own), a box of another tenant's extension is nil, as an
	// unknown one, so that a caller logs in to its own tenant's boxes only.
	fn("box", func(L *glua.LState) int {
		box := L.CheckString(1)
		tenant, scoped := "", L.GetTop() >= 2 && L.Get(2) != glua.LNil
		if scoped {
			tenant = L.CheckString(2)
		}
		if vm == nil {
			return notConfigured(L)
		}
		ok, err := vm.Exists(box)
		if err != nil {
			return fail(L, "voicemail.box", err)
		}
		if ok && scoped && !st.boxOfTenant(box, tenant) {
			ok = false
		}
		if !ok {
			L.Push(glua.LNil)
			return 1
		}
		n, saved, err := vm.Counts(box)
		if err != nil {
			return fail(L, "voicemail.box", err)
		}
		g := L.CreateTable(0, len(greetingKinds))
		for _, k := range greetingKinds {
			if _, ok := vm.Greeting(box, k); ok {
				g.RawSetString(k, glua.LString("vmg:"+box+"/"+k))
			}
		}
		out := L.CreateTable(0, 6)
		out.RawSetString("number", glua.LString(box))
		out.RawSetString("exists", glua.LTrue)
		out.RawSetString("has_pin", glua.LBool(vm.HasPIN(box)))
		out.RawSetString("new", glua.LNumber(n))
		out.RawSetString("saved", glua.LNumber(saved))
		out.RawSetString("greeting", g)
		L.Push(out)
		return 1
	})
	fn("check_pin", func(L *glua.LState) int {
		box, pin := L.CheckString(1), L.CheckString(2)
		if vm == nil {
			return notConfigured(L)
		}
		L.Push(glua.LBool(vm.CheckPIN(box, pin)))
		return 1
	})
	fn("set_pin", func(L *glua.LState) int {
		box, pin := L.CheckString(1), L.CheckString(2)
		if vm == nil {
			return notConfigured(L)
		}
		return done(L, "set_pin", vm.SetPIN(box, pin))
	})
	fn("messages", func(L *glua.LState) int {
		box, folder := L.CheckString(1), L.OptString(2, "")
		if vm == nil {
			return notConfigured(L)
		}
		ms, err := vm.Messages(box, folder)
		if err != nil {
			return fail(L, "voicemail.messages", err)
		}
		out := L.CreateTable(len(ms), 0)
		for _, m := range ms {
			e := L.CreateTable(0, 7)
			e.RawSetString("id", glua.LString(m.ID))
			e.RawSetString("folder", glua.LString(m.Folder))
			e.RawSetString("caller", glua.LString(m.Caller))
			e.RawSetString("caller_name", glua.LString(m.CallerName))
			e.RawSetString("received", glua.LNumber(m.Received.Unix()))
			e.RawSetString("duration", glua.LNumber(m.Duration.Round(time.Millisecond).Seconds()))
			e.RawSetString("file", glua.LString("vm:"+m.Box+"/"+m.ID))
			out.Append(e)
		}
		L.Push(out)
		return 1
	})
	fn("deposit", func(L *glua.LState) int {
		box, token := L.CheckString(1), L.CheckString(2)
		caller, name := L.OptString(3, ""), L.OptString(4, "")
		if vm == nil {
			return notConfigured(L)
		}
		id, err := recToken(token)
		if err != nil {
			return fail(L, "voicemail.deposit", err)
		}
		m, err := vm.Deposit(box, id, caller, name)
		if err != nil {
			return fail(L, "voicemail.deposit", err)
		}
		L.Push(glua.LString(m.ID))
		return 1
	})
	fn("save", func(L *glua.LState) int {
		box, id := L.CheckString(1), L.CheckString(2)
		if vm == nil {
			return notConfigured(L)
		}
		return done(L, "save", vm.MarkSaved(box, id))
	})
	fn("delete", func(L *glua.LState) int {
		box, id := L.CheckString(1), L.CheckString(2)
		if vm == nil {
			return notConfigured(L)
		}
		return done(L, "delete", vm.Delete(box, id))
	})
	fn("set_greeting", func(L *glua.LState) int {
		box, kind, token := L.CheckString(1), L.CheckString(2), L.CheckString(3)
		if vm == nil {
			return notConfigured(L)
		}
		id, err := recToken(token)
		if err != nil {
			return fail(L, "voicemail.set_greeting", err)
		}
		return done(L, "set_greeting", vm.SetGreeting(box, kind, id))
	})
	fn("remove_greeting", func(L *glua.LState) int {
		box, kind := L.CheckString(1), L.CheckString(2)
		if vm == nil {
			return notConfigured(L)
		}
		return done(L, "remove_greeting", vm.RemoveGreeting(box, kind))
	})
	fn("discard", func(L *glua.LState) int {
		token := L.CheckString(1)
		if vm == nil {
			return notConfigured(L)
		}
		id, err := recToken(token)
		if err != nil {
			return fail(L, "voicemail.discard", err)
		}
		return done(L, "discard", vm.Discard(id))
	})
	return t
}

// recToken returns the recording ID of a "rec:<id>" token.
func recToken(tok string) (string, error) {
	id, ok := strings.CutPrefix(tok, "rec:")
	if !ok || id == "" {
		return "", fmt.Errorf("want a recording token rec:<id> (what call:record returns), got %q", truncate(tok))
	}
	return id, nil
}

// boxOfTenant says whether box is an extension of tenant. A box without
// an extension (its extension deleted, the messages kept) is no tenant's,
// and without a directory nothing is known of tenants: the switch's own.
func (st *state) boxOfTenant(box, tenant string) bool {
	d := st.e.opts.Directory
	if d == nil {
		return tenant == ""
	}
	e, ok := d.Extension(box)
	if !ok {
		return tenant == ""
	}
	return e.Tenant == tenant
}
