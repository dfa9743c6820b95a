package hs

import (
	"errors"

	"github.com/hookswitch/hookswitch/sdk/abi"
)

// handler decodes one hook's request, runs the plugin's function and
// encodes its decision into w.
type handler func(req *abi.Reader, w *abi.Writer) error

var (
	reader   abi.Reader // reused: a guest runs one call at a time
	handlers [32]handler
	hookMask uint32
	required uint32 // features the plugin cannot work without
)

func register(h abi.HookID, fn handler) {
	handlers[h] = fn
	hookMask |= h.Mask()
}

// Require declares features (abi.Feature*) the plugin cannot run
// without; the switch refuses to load it when it lacks one.
func Require(features uint32) { required |= features }

// decode reads a whole request into m.
func decode(r *abi.Reader, m interface{ Decode(*abi.Reader) }) error {
	m.Decode(r)
	return r.Err()
}

// HandleRoute answers route: a new call.
func HandleRoute(fn func(*RouteRequest) (RouteDecision, error)) {
	register(abi.HookRoute, func(r *abi.Reader, w *abi.Writer) error {
		var req RouteRequest
		if err := decode(r, &req); err != nil {
			return err
		}
		d, err := fn(&req)
		if err != nil {
			return err
		}
		d.Append(w)
		return nil
	})
}

// HandleFailure answers failure: a bridge attempt failed.
func HandleFailure(fn func(*FailureRequest) (RouteDecision, error)) {
	register(abi.HookFailure, func(r *abi.Reader, w *abi.Writer) error {
		var req FailureRequest
		if err := decode(r, &req); err != nil {
			return err
		}
		d, err := fn(&req)
		if err != nil {
			return err
		}
		d.Append(w)
		return nil
	})
}

// HandleRegister answers register.
func HandleRegister(fn func(*RegisterRequest) (RegisterDecision, error)) {
	register(abi.HookRegister, func(r *abi.Reader, w *abi.Writer) error {
		var req RegisterRequest
		if err := decode(r, &req); err != nil {
			return err
		}
		d, err := fn(&req)
		if err != nil {
			return err
		}
		d.Append(w)
		return nil
	})
}

// HandleAuthorize answers authorize: a call about to leave by a trunk.
func HandleAuthorize(fn func(*AuthorizeRequest) (AuthorizeDecision, error)) {
	register(abi.HookAuthorize, func(r *abi.Reader, w *abi.Writer) error {
		var req AuthorizeRequest
		if err := decode(r, &req); err != nil {
			return err
		}
		d, err := fn(&req)
		if err != nil {
			return err
		}
		d.Append(w)
		return nil
	})
}

// HandleCDR answers cdr: extra fields for a call record.
func HandleCDR(fn func(*CDRRequest) (CDRDecision, error)) {
	register(abi.HookCDR, func(r *abi.Reader, w *abi.Writer) error {
		var req CDRRequest
		if err := decode(r, &req); err != nil {
			return err
		}
		d, err := fn(&req)
		if err != nil {
			return err
		}
		d.Append(w)
		return nil
	})
}

// HandleMessage answers message.
func HandleMessage(fn func(*MessageRequest) (MessageDecision, error)) {
	register(abi.HookMessage, func(r *abi.Reader, w *abi.Writer) error {
		var req MessageRequest
		if err := decode(r, &req); err != nil {
			return err
		}
		d, err := fn(&req)
		if err != nil {
			return err
		}
		d.Append(w)
		return nil
	})
}

// HandleSubscribe answers subscribe.
func HandleSubscribe(fn func(*SubscribeRequest) (SubscribeDecision, error)) {
	register(abi.HookSubscribe, func(r *abi.Reader, w *abi.Writer) error {
		var req SubscribeRequest
		if err := decode(r, &req); err != nil {
			return err
		}
		d, err := fn(&req)
		if err != nil {
			return err
		}
		d.Append(w)
		return nil
	})
}

// HandleProvision answers provision: a phone's configuration file.
func HandleProvision(fn func(*ProvisionRequest) (ProvisionDecision, error)) {
	register(abi.HookProvision, func(r *abi.Reader, w *abi.Writer) error {
		var req ProvisionRequest
		if err := decode(r, &req); err != nil {
			return err
		}
		d, err := fn(&req)
		if err != nil {
			return err
		}
		d.Append(w)
		return nil
	})
}

// HandleCallEvent answers the notices answer, dtmf and hangup (h says
// which).
func HandleCallEvent(h HookID, fn func(HookID, *CallEvent) error) {
	if h != abi.HookAnswer && h != abi.HookDTMF && h != abi.HookHangup {
		panic("hs: HandleCallEvent: hook " + h.String() + " is not a call event")
	}
	register(h, func(r *abi.Reader, w *abi.Writer) error {
		var req CallEvent
		if err := decode(r, &req); err != nil {
			return err
		}
		return fn(h, &req)
	})
}

// HandleTimer answers timer notices.
func HandleTimer(fn func(*TimerRequest) error) {
	register(abi.HookTimer, func(r *abi.Reader, w *abi.Writer) error {
		var req TimerRequest
		if err := decode(r, &req); err != nil {
			return err
		}
		return fn(&req)
	})
}

// HandleEvent answers bus event notices.
func HandleEvent(fn func(*EventRequest) error) {
	register(abi.HookEvent, func(r *abi.Reader, w *abi.Writer) error {
		var req EventRequest
		if err := decode(r, &req); err != nil {
			return err
		}
		return fn(&req)
	})
}

// dispatch runs one hook call: decodes req, runs the handler, encodes the
// decision into w. A panic in the plugin's code is an error of this call.
func dispatch(h abi.HookID, req []byte, w *abi.Writer) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = panicError(p)
		}
	}()
	if uint32(h) >= uint32(len(handlers)) || handlers[h] == nil {
		return errors.New("hook " + h.String() + " not implemented by this plugin")
	}
	w.B = w.B[:0]
	reader.Reset(req)
	return handlers[h](&reader, w)
}

func panicError(p any) error {
	switch v := p.(type) {
	case error:
		return errors.New("panic: " + v.Error())
	case string:
		return errors.New("panic: " + v)
	}
	return errors.New("panic")
}
