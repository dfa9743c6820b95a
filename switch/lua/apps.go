package lua

import (
	"encoding/json"
	"errors"
	"fmt"

	glua "github.com/yuin/gopher-lua"

	"github.com/hookswitch/hookswitch/switch/store"
)

// Apps backs config.ivr, config.room and config.settings: the IVRs,
// conference rooms and application settings an admin keeps in the store
// (*store.Store). They are read on every call, so a change reaches the
// next call without a reload.
type Apps interface {
	GetIVR(number string) (store.IVR, error)
	GetRoom(number string) (store.Room, error)
	GetAppSettings() (store.AppSettings, error)
}

// appsFuncs adds to the config module: config.ivr(number) and
// config.room(number) -> the record as the REST API shows it (same field
// names) | nil (none), config.settings() -> the settings that are set (an
// unset field is nil: the script's own default applies). Failures return
// nil, err.
func (st *state) appsFuncs(t *glua.LTable) {
	L := st.L
	apps := st.e.opts.Apps
	push := func(L *glua.LState, what string, v any, err error) int {
		if errors.Is(err, store.ErrNotFound) {
			L.Push(glua.LNil)
			return 1
		}
		if err == nil {
			err = pushJSON(L, v)
		}
		if err != nil {
			L.Push(glua.LNil)
			L.Push(glua.LString(fmt.Sprintf("config.%s: %v", what, err)))
			return 2
		}
		return 1
	}
	t.RawSetString("ivr", L.NewFunction(func(L *glua.LState) int {
		number := L.CheckString(1)
		if apps == nil {
			L.Push(glua.LNil)
			return 1
		}
		v, err := apps.GetIVR(number)
		return push(L, "ivr", v, err)
	}))
	t.RawSetString("room", L.NewFunction(func(L *glua.LState) int {
		number := L.CheckString(1)
		if apps == nil {
			L.Push(glua.LNil)
			return 1
		}
		r, err := apps.GetRoom(number)
		return push(L, "room", r, err)
	}))
	t.RawSetString("settings", L.NewFunction(func(L *glua.LState) int {
		if apps == nil {
			L.Push(L.NewTable())
			return 1
		}
		a, err := apps.GetAppSettings()
		return push(L, "settings", a, err)
	}))
}

// pushJSON pushes v as the Lua table of its JSON form.
func pushJSON(L *glua.LState, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var d any
	if err := json.Unmarshal(b, &d); err != nil {
		return err
	}
	lv, err := jsonToLua(L, d, 0)
	if err != nil {
		return err
	}
	L.Push(lv)
	return nil
}
