package wcp

import (
	"context"
	"errors"
	"strconv"
	"sync"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/ua"
	"github.com/hookswitch/hookswitch/web/callproto"
)

// register checks nothing but the session's state before its ACK: the
// proof is checked after, and a wrong one is 9001 state=-403, like a
// refused REGISTER (the doc's rule: not a parameter error).
func (ss *session) register(m callproto.Message) {
	tel, proof := m.Get(callproto.KeyTel), m.Get(callproto.KeyPwd)
	ss.mu.Lock()
	if ss.acct != nil || ss.regCancel != nil {
		ss.mu.Unlock()
		ss.reply(refused(m, callproto.CodeRefused, "stop existing register first"))
		return
	}
	ctx, cancel := context.WithCancel(ss.ctx)
	ss.regCancel = cancel
	ss.regGen++
	gen, nonce := ss.regGen, ss.nonce
	ss.mu.Unlock()
	var fields []callproto.Field
	if pb := ss.srv.cfg.PhoneBook; pb != "" {
		fields = append(fields, callproto.F(callproto.KeyPBook, pb))
	}
	ss.reply(callproto.Ack(m, callproto.CodeProcessing, fields...))
	mwi := m.Get(callproto.KeyMWI) == "1"
	ss.wg.Add(1)
	go func() {
		defer ss.wg.Done()
		defer cancel()
		ss.doRegister(ctx, gen, tel, proof, nonce, mwi)
	}()
}

func (ss *session) doRegister(ctx context.Context, gen uint64, tel, proof, nonce string, mwi bool) {
	fail := func(state int) {
		ss.mu.Lock()
		if ss.regGen == gen {
			ss.regCancel = nil
		}
		ss.mu.Unlock()
		ss.event(callproto.EvRegisterState, callproto.F(callproto.KeyState, strconv.Itoa(state)))
	}
	ext, err := ss.srv.cfg.Extensions.GetExtension(tel)
	switch {
	case errors.Is(err, store.ErrNotFound):
		// The same answer as a wrong proof: no probing for extensions.
	case err != nil:
		ss.srv.log.Warn("wcp: register: extension", "tel", tel, "error", err)
		fail(-500)
		return
	}
	if err != nil || !callproto.CheckProof(proof, ext.Password, nonce, tel) {
		ss.srv.log.Info("wcp: wrong password proof", "tel", tel, "from", ss.ip)
		fail(-403)
		return
	}
	// The UA reports "registered" before Register returns: the page must
	// not see 9001 state=0 before ss.acct is set, or its next 1003 would
	// find no registration.
	ready := make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(ready) }) }
	defer release()
	a, err := ss.srv.register(ctx, ext, ss.accountEvents(ready))
	if err != nil {
		if ctx.Err() != nil { // 1002 or the socket closed meanwhile
			fail(callproto.RegUnregistered)
			return
		}
		fail(regState(ua.Status(err)))
		return
	}
	ss.mu.Lock()
	keep := ss.regGen == gen && ctx.Err() == nil
	if keep {
		ss.acct, ss.regCancel = a, nil
	}
	ss.mu.Unlock()
	release()
	if !keep {
		uctx, done := closeCtx()
		a.Unregister(uctx) // reports 9001 state=-1
		done()
		return
	}
	if mwi {
		if _, err := a.SubscribeMWI(ss.ctx); err != nil {
			ss.srv.log.Debug("wcp: mwi subscription", "tel", tel, "error", err)
		}
	}
}

// regState is the 9001 state of a SIP status: -2 for no answer, else the
// status negated.
func regState(code int) int {
	switch {
	case code == 408 || code == 0:
		return callproto.RegTimeout
	case code >= 300 && code <= 699:
		return -code
	}
	return -500
}

func (ss *session) unregister(m callproto.Message) {
	ss.mu.Lock()
	a, cancel := ss.acct, ss.regCancel
	ss.acct, ss.regCancel = nil, nil
	ss.regGen++ // late events of the old account still report -1, once
	ss.mu.Unlock()
	if a == nil && cancel == nil {
		ss.reply(refused(m, callproto.CodeRefused, "no existing register"))
		return
	}
	ss.dropBLF() // the account's subscriptions end with it
	ss.reply(callproto.Ack(m, callproto.CodeProcessing))
	if cancel != nil {
		cancel() // the registration's goroutine reports -1
		return
	}
	ss.wg.Add(1)
	go func() {
		defer ss.wg.Done()
		ctx, done := closeCtx()
		a.Unregister(ctx) // hangs up the calls; reports 9001 state=-1
		done()
	}()
}

// accountEvents turn the UA's events into protocol
// events. They run on the account's own goroutine, one at a time.
func (ss *session) accountEvents(ready <-chan struct{}) ua.Events {
	return ua.Events{
		Registration: func(e ua.RegEvent) {
			select { // the account's own goroutine: waiting here delays only it
			case <-ready:
			case <-ss.ctx.Done():
			}
			switch e.State {
			case ua.RegRegistered:
				ss.event(callproto.EvRegisterState, callproto.F(callproto.KeyState, "0"))
			case ua.RegFailed:
				ss.event(callproto.EvRegisterState, callproto.F(callproto.KeyState, strconv.Itoa(regState(e.Code))))
			case ua.RegUnregistered:
				ss.event(callproto.EvRegisterState, callproto.F(callproto.KeyState, strconv.Itoa(callproto.RegUnregistered)))
			}
		},
		Incoming:  ss.incoming,
		Message:   ss.messageIn,
		Notify:    ss.notify,
		CallState: ss.callState,
		RemoteSDP: ss.remoteSDP,
		Info:      ss.info,
		MWI: func(w ua.MWI) {
			ss.event(callproto.EvVoicemail, callproto.F(callproto.KeyVM,
				strconv.Itoa(w.New)+"/"+strconv.Itoa(w.Old)+" ("+strconv.Itoa(w.NewUrgent)+"/"+strconv.Itoa(w.OldUrgent)+")"))
		},
	}
}
