package wcp

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/hookswitch/hookswitch/switch/ua"
	"github.com/hookswitch/hookswitch/web/callproto"
)

// maxBLF is the most extensions one session may monitor (Config.MaxBLF):
// one full ext list of op 1014, the protocol's own limit.
const maxBLF = callproto.MaxBLFExts

// blfWatch is one monitored extension: its dialog subscription once the
// switch accepted it (nil while the SUBSCRIBE is out).
type blfWatch struct {
	sub *ua.Subscription
}

// blf serves 1014. The session's map is the truth the ACK is built from;
// the SUBSCRIBEs run after it, and one whose extension was dropped
// meanwhile is ended at once.
func (ss *session) blf(m callproto.Message) {
	var exts []string
	if v := m.Get(callproto.KeyExt); v != "" {
		exts = strings.Split(v, ",")
	}
	ss.mu.Lock()
	a := ss.acct
	if a == nil {
		ss.mu.Unlock()
		ss.reply(refused(m, callproto.CodeRefused, "not registered"))
		return
	}
	switch m.Get(callproto.KeyBLF) {
	case "2":
		list := make([]string, 0, len(ss.blfs))
		for e := range ss.blfs {
			list = append(list, e)
		}
		ss.mu.Unlock()
		slices.Sort(list)
		var fields []callproto.Field
		if len(list) > 0 {
			fields = append(fields, callproto.F(callproto.KeyExt, strings.Join(list, ",")))
		}
		ss.reply(callproto.Ack(m, callproto.CodeProcessing, fields...))
	case "1":
		var fresh []string
		watches := map[string]*blfWatch{}
		for _, e := range exts {
			if _, ok := ss.blfs[e]; !ok && watches[e] == nil {
				fresh = append(fresh, e)
				watches[e] = &blfWatch{}
			}
		}
		if max := ss.srv.cfg.MaxBLF; len(ss.blfs)+len(fresh) > max {
			n := len(ss.blfs)
			ss.mu.Unlock()
			ss.reply(refused(m, callproto.CodeRefused, "over max BLF monitor count: "+strconv.Itoa(n)+" watched, "+
				strconv.Itoa(len(fresh))+" more asked, at most "+strconv.Itoa(max)))
			return
		}
		for e, w := range watches {
			ss.blfs[e] = w
		}
		ss.mu.Unlock()
		ss.reply(callproto.Ack(m, callproto.CodeProcessing))
		if len(fresh) == 0 {
			return
		}
		ss.wg.Add(1)
		go func() {
			defer ss.wg.Done()
			for _, e := range fresh {
				ss.watch(a, e, watches[e])
			}
		}()
	default: // "0"
		var gone []*blfWatch
		if len(exts) == 0 {
			for e, w := range ss.blfs {
				gone = append(gone, w)
				delete(ss.blfs, e)
			}
		}
		for _, e := range exts {
			if w, ok := ss.blfs[e]; ok {
				gone = append(gone, w)
				delete(ss.blfs, e)
			}
		}
		ss.mu.Unlock()
		ss.reply(callproto.Ack(m, callproto.CodeProcessing))
		ss.unwatch(gone)
	}
}

// watch subscribes a to ext's dialog state; a refusal is 9012 with the
// status negated, and the extension is no longer monitored.
func (ss *session) watch(a *ua.Account, ext string, w *blfWatch) {
	ctx, cancel := context.WithTimeout(ss.ctx, sipTimeout)
	sub, err := a.Subscribe(ctx, "dialog", ext, "application/dialog-info+xml", 0)
	cancel()
	ss.mu.Lock()
	kept := ss.blfs[ext] == w
	if err == nil && kept {
		w.sub = sub
	}
	if err != nil && kept {
		delete(ss.blfs, ext)
	}
	ss.mu.Unlock()
	switch {
	case err == nil && !kept: // dropped by a 1014 blf=0 meanwhile
		ss.unwatch([]*blfWatch{{sub: sub}})
	case err != nil && kept:
		ss.srv.log.Debug("wcp: blf subscription", "ext", ext, "error", err)
		ss.blfState(ext, -blfCode(ua.Status(err)))
	}
}

// unwatch ends subscriptions off the reader's goroutine.
func (ss *session) unwatch(ws []*blfWatch) {
	var subs []*ua.Subscription
	for _, w := range ws {
		if w.sub != nil {
			subs = append(subs, w.sub)
		}
	}
	if len(subs) == 0 {
		return
	}
	ss.wg.Add(1)
	go func() {
		defer ss.wg.Done()
		ctx, done := closeCtx()
		defer done()
		for _, sub := range subs {
			sub.Unsubscribe(ctx)
		}
	}()
}

// blfCode is the status a failed subscription reports: its SIP status,
// 408 without an answer, 500 for anything else.
func blfCode(code int) int {
	switch {
	case code == 0:
		return 500
	case code >= 300 && code <= 699:
		return code
	}
	return 500
}

func (ss *session) blfState(ext string, state int, fields ...callproto.Field) {
	ss.event(callproto.EvBLFState, append([]callproto.Field{callproto.F(callproto.KeyState, strconv.Itoa(state)),
		callproto.F(callproto.KeyExt, ext)}, fields...)...)
}

// notify turns a dialog NOTIFY of a monitored extension into 9012: its
// dialog-info document, or, when the switch ended the subscription for
// good, the error.
func (ss *session) notify(n ua.Notify) {
	if n.Sub == nil || !strings.EqualFold(n.Event, "dialog") {
		return
	}
	ext := n.Sub.Resource()
	ss.mu.Lock()
	w, ok := ss.blfs[ext]
	// The first NOTIFY may come before Subscribe returned (w.sub nil).
	mine := ok && (w.sub == nil || w.sub == n.Sub)
	final := 0
	if mine && n.Terminated {
		switch n.Reason {
		case "rejected":
			final = 403
		case "noresource":
			final = 404
		case "giveup", "invariant":
			final = 480
		}
		if final != 0 {
			delete(ss.blfs, ext)
		}
	}
	ss.mu.Unlock()
	if !mine {
		return
	}
	if body := string(n.Body); len(body) > 0 && len(body) <= callproto.MaxValueLen {
		ss.blfState(ext, 0, callproto.F(callproto.KeyBLFXML, text(body, callproto.MaxValueLen)))
	}
	if final != 0 {
		ss.blfState(ext, -final)
	}
}

// dropBLF forgets the monitored extensions when the account goes (its
// subscriptions end with it).
func (ss *session) dropBLF() {
	ss.mu.Lock()
	clear(ss.blfs)
	ss.mu.Unlock()
}
