package server

import (
	"errors"
	"fmt"
	"slices"

	"github.com/hookswitch/hookswitch/switch/group"
	"github.com/hookswitch/hookswitch/switch/lua"
	"github.com/hookswitch/hookswitch/switch/store"
)

// groups answers the Lua groups module from the stored ring groups, the
// ring order from a tracker that lives as long as the node (reloads keep
// the rotation and the counts).
type groups struct {
	st *store.Store
	tr *group.Tracker
}

func newGroups(st *store.Store) groups { return groups{st: st, tr: &group.Tracker{}} }

func (g groups) Get(number string) (lua.Group, bool, error) {
	sg, err := g.st.GetGroup(number)
	if errors.Is(err, store.ErrNotFound) {
		g.tr.Forget(number) // deleted: its rotation and counts go too
		return lua.Group{}, false, nil
	} else if err != nil {
		return lua.Group{}, false, err
	}
	// A member whose extension was deleted since is left out rather than
	// rung in vain.
	members := make([]string, 0, len(sg.Members))
	for _, m := range sg.Members {
		if _, err := g.st.GetExtension(m); err == nil {
			members = append(members, m)
		} else if !errors.Is(err, store.ErrNotFound) {
			return lua.Group{}, false, err
		}
	}
	return lua.Group{
		Number:           sg.Number,
		Name:             sg.Name,
		Strategy:         sg.Strategy,
		RingTime:         sg.RingTime,
		Members:          g.tr.Order(sg.Number, sg.Strategy, members),
		Parallel:         group.Parallel(sg.Strategy),
		NoAnswerKind:     sg.NoAnswer.Kind,
		NoAnswerTarget:   sg.NoAnswer.Target,
		CallerIDPrefix:   sg.CallerIDPrefix,
		OutboundCallerID: sg.OutboundCallerID,
	}, true, nil
}

func (g groups) Answered(number, ext string) error {
	sg, err := g.st.GetGroup(number) // names a missing group, cut short
	if err != nil {
		return err
	}
	if !slices.Contains(sg.Members, ext) {
		return fmt.Errorf("not a member of ring group %s", number)
	}
	g.tr.Answered(number, ext)
	return nil
}
