package call

import (
	"cmp"
	"slices"
	"strconv"
	"sync"

	gosip "github.com/emiago/sipgo/sip"
)

// ExtDialog is one live dialog of an extension, what a busy lamp field
// (RFC 4235 dialog-info) shows of it. Its fields match
// subscribe.DialogState, so the wiring converts a list without copying
// field by field.
type ExtDialog struct {
	ID        string // stable for the dialog's life, unique within the extension
	CallID    string // of the extension's own dialog with the switch
	LocalTag  string // the extension's own tag; "" until known
	RemoteTag string // the switch's tag on that dialog
	Initiator bool   // the extension placed the call; else it is rung or answered one
	Confirmed bool   // answered; else early (ringing, or ringback for a caller)
	Other     string // the other party's number as the extension sees it
	OtherName string // its display name; "" if none is known
}

// blfBook is the registry of live extension dialogs, fed from the call
// paths below (one call each in call.go and fork.go): a caller extension's
// dialog from its INVITE, a callee's from its first ringing provisional,
// each confirmed at its answer and gone at its end.
//
// A callee counts from its 180/183, not from our INVITE: it is the phone
// itself saying it rings and it carries the phone's tag, and a stale
// registration that never answers lights no lamp.
type blfBook struct {
	mu      sync.Mutex
	next    uint64
	entries map[*leg]*blfEntry // by the extension's leg: the caller's a, or a fork's
	byCall  map[*Call]map[*leg]struct{}

	onChange func(ext string)
	pending  map[string]struct{} // extensions changed since the runner last looked
	running  bool                // the runner goroutine is on
}

type blfEntry struct {
	ext  string
	call *Call
	seq  uint64 // creation order: the documents list dialogs oldest first
	d    ExtDialog
}

// OnExtChange sets who is told that an extension's dialogs changed (the
// dialog event package's Notify). Set it before calls start. f runs on a
// goroutine of its own without the manager's locks, never on a call's
// path; changes that come while it runs coalesce into one more call per
// extension.
func (m *Manager) OnExtChange(f func(ext string)) {
	m.blf.mu.Lock()
	m.blf.onChange = f
	m.blf.mu.Unlock()
}

// ExtDialogs is ext's live dialogs, oldest first; none means idle. Missing
// display names are the other extension's name from the store.
func (m *Manager) ExtDialogs(ext string) []ExtDialog {
	b := &m.blf
	b.mu.Lock()
	var es []*blfEntry
	for _, e := range b.entries {
		if e.ext == ext {
			es = append(es, e)
		}
	}
	slices.SortFunc(es, func(x, y *blfEntry) int { return cmp.Compare(x.seq, y.seq) })
	out := make([]ExtDialog, len(es))
	for i, e := range es {
		out[i] = e.d
	}
	b.mu.Unlock()
	// The store is read off the lock: this runs for NOTIFYs, not for calls.
	for i := range out {
		if out[i].OtherName == "" && out[i].Other != "" {
			if x, err := m.st.GetExtension(out[i].Other); err == nil {
				out[i].OtherName = x.Name
			}
		}
	}
	return out
}

// blfCaller records an extension's new outgoing call: initiator, early.
func (c *Call) blfCaller() {
	a := c.legA()
	if !c.info.Authenticated || a == nil || c.req.From() == nil {
		return
	}
	c.blfSet(a, c.info.From, func(d *ExtDialog) {
		d.CallID, d.LocalTag, d.RemoteTag = c.req.CallID().Value(), tagOf(c.req.From().Params), c.a.d.localTag
		d.Initiator, d.Other = true, c.info.To
	})
}

// blfAnswered marks the caller's dialog confirmed: it has our 2xx.
func (c *Call) blfAnswered() {
	c.blfUpdate(c.legA(), func(d *ExtDialog) { d.Confirmed = true })
}

// legA is leg a, which a transfer may replace.
func (c *Call) legA() *leg {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.a
}

// blfRing records a callee extension ringing on fork f (a provisional
// other than 100): recipient, early.
func (c *Call) blfRing(f *fork, res *gosip.Response) {
	if f.t.trunk != nil || f.t.ext == "" {
		return
	}
	c.blfSet(f.leg, f.t.ext, func(d *ExtDialog) {
		c.blfCallee(d, f, res)
	})
}

// blfWin marks the answering callee confirmed (recorded now if it never
// rang: a 200 without a 180); the caller now talks to that extension.
func (c *Call) blfWin(f *fork, res *gosip.Response) {
	if f.t.trunk != nil || f.t.ext == "" {
		return
	}
	c.blfSet(f.leg, f.t.ext, func(d *ExtDialog) {
		c.blfCallee(d, f, res)
		d.Confirmed = true
	})
	c.blfUpdate(c.legA(), func(d *ExtDialog) { d.Other, d.OtherName = f.t.ext, "" })
}

// blfCallee fills a callee's dialog on fork f; c.mu is held.
func (c *Call) blfCallee(d *ExtDialog, f *fork, res *gosip.Response) {
	d.CallID, d.RemoteTag = f.leg.d.callID, f.leg.d.localTag
	if res != nil && res.To() != nil {
		if t := tagOf(res.To().Params); t != "" {
			d.LocalTag = t
		}
	}
	// What the callee's phone shows: the caller ID and name we sent it.
	d.Other, d.OtherName = c.callerID, c.shownName
	if d.OtherName == "" {
		d.OtherName = c.cdr.CallerName
	}
}

// blfDrop forgets leg l's dialog: a fork that lost, failed or is being
// canceled, or a callee a program's bridge let go.
func (c *Call) blfDrop(l *leg) {
	b := &c.m.blf
	b.mu.Lock()
	e := b.entries[l]
	if e != nil {
		b.removeLocked(l, e)
		b.changedLocked(e.ext)
	}
	b.mu.Unlock()
}

// blfSync records the call's dialogs anew from its legs as they are now,
// for a transfer that moved or released legs (transfer.go): leg a is its
// extension's (callerExt), leg b its (calleeExt). Call it without c.mu.
// Only the original caller's leg counts as initiator; leg b talks.
func (c *Call) blfSync() {
	c.mu.Lock()
	a, b, aExt, bExt := c.a, c.b, c.callerExt, c.calleeExt
	c.mu.Unlock()
	c.blfEnd()
	for _, l := range []*leg{a, b} {
		ext := aExt
		if l == b {
			ext = bExt
		}
		if l == nil || l.d == nil {
			continue
		}
		c.blfSet(l, ext, func(d *ExtDialog) { // under c.mu
			// Our dialog's remote side is the extension's phone.
			d.CallID, d.LocalTag, d.RemoteTag = l.d.callID, l.d.remoteTag, l.d.localTag
			d.Initiator = l == c.a && l.invite == c.req
			if l == c.a {
				d.Confirmed, d.Other, d.OtherName = c.answered, c.info.To, ""
				if c.b != nil && c.calleeExt != "" {
					d.Other = c.calleeExt
				}
			} else {
				d.Confirmed, d.Other, d.OtherName = true, c.callerID, c.cdr.CallerName
			}
		})
	}
}

// blfEnd forgets every dialog of the call (it ended).
func (c *Call) blfEnd() {
	b := &c.m.blf
	b.mu.Lock()
	for l := range b.byCall[c] {
		e := b.entries[l]
		b.removeLocked(l, e)
		b.changedLocked(e.ext)
	}
	b.mu.Unlock()
}

// blfSet creates or updates leg l's dialog of ext. Nothing is recorded
// for a call that has ended: blfEnd, which runs after the end, would not
// see it. Lock order: the call, then the book (so the other blf functions
// may run under c.mu); fill runs under both.
func (c *Call) blfSet(l *leg, ext string, fill func(*ExtDialog)) {
	if l == nil || ext == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ended {
		return
	}
	b := &c.m.blf
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.entries[l]
	var d ExtDialog
	if e != nil {
		d = e.d
	}
	fill(&d)
	switch {
	case e == nil:
		if b.entries == nil {
			b.entries, b.byCall = map[*leg]*blfEntry{}, map[*Call]map[*leg]struct{}{}
		}
		b.next++
		d.ID = strconv.FormatUint(b.next, 10)
		b.entries[l] = &blfEntry{ext: ext, call: c, seq: b.next, d: d}
		if b.byCall[c] == nil {
			b.byCall[c] = map[*leg]struct{}{}
		}
		b.byCall[c][l] = struct{}{}
	case e.d == d:
		return // a second 180: nothing to tell
	default:
		e.d = d
	}
	b.changedLocked(ext)
}

// blfUpdate changes leg l's dialog if there is one.
func (c *Call) blfUpdate(l *leg, change func(*ExtDialog)) {
	b := &c.m.blf
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.entries[l]
	if e == nil {
		return
	}
	d := e.d
	change(&d)
	if d != e.d {
		e.d = d
		b.changedLocked(e.ext)
	}
}

func (b *blfBook) removeLocked(l *leg, e *blfEntry) {
	delete(b.entries, l)
	if set := b.byCall[e.call]; set != nil {
		delete(set, l)
		if len(set) == 0 {
			delete(b.byCall, e.call)
		}
	}
}

// changedLocked queues ext for the change callback and starts the runner
// if it is not on. The queue is a set, so it is bounded by the extensions.
func (b *blfBook) changedLocked(ext string) {
	if b.onChange == nil {
		return
	}
	if b.pending == nil {
		b.pending = map[string]struct{}{}
	}
	b.pending[ext] = struct{}{}
	if !b.running {
		b.running = true
		go b.run()
	}
}

// run tells the callback about queued extensions until none is left, then
// ends; the next change starts it again.
func (b *blfBook) run() {
	for {
		b.mu.Lock()
		if len(b.pending) == 0 {
			b.running = false
			b.mu.Unlock()
			return
		}
		exts := make([]string, 0, len(b.pending))
		for ext := range b.pending {
			exts = append(exts, ext)
		}
		clear(b.pending)
		f := b.onChange
		b.mu.Unlock()
		for _, ext := range exts {
			f(ext)
		}
	}
}
