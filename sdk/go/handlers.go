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

// reqPtr is a request type whose pointer decodes itself.
type reqPtr[T any] interface {
	*T
	Decode(*abi.Reader)
}

// decPtr is a decision type whose pointer encodes itself.
type decPtr[D any] interface {
	*D
	Append(*abi.Writer)
}

// decide registers fn for a decision hook: decode the request, run fn,
// encode its decision.
func decide[T any, P reqPtr[T], D any, DP decPtr[D]](h abi.HookID, fn func(P) (D, error)) {
	register(h, func(r *abi.Reader, w *abi.Writer) error {
		var req T
		if err := decode(r, P(&req)); err != nil {
			return err
		}
		d, err := fn(P(&req))
		if err != nil {
			return err
		}
		if n, ok := any(DP(&d)).(interface{ Needs() uint32 }); ok {
			if err := needs(h.String()+" decision", n.Needs()); err != nil {
				return err
			}
		}
		DP(&d).Append(w)
		return nil
	})
}

// notice registers fn for a notice hook (no decision).
func notice[T any, P reqPtr[T]](h abi.HookID, fn func(P) error) {
	register(h, func(r *abi.Reader, w *abi.Writer) error {
		var req T
		if err := decode(r, P(&req)); err != nil {
			return err
		}
		return fn(P(&req))
	})
}

// HandleRoute answers route: a new call.
func HandleRoute(fn func(*RouteRequest) (RouteDecision, error)) { decide(abi.HookRoute, fn) }

// HandleFailure answers failure: a bridge attempt failed.
func HandleFailure(fn func(*FailureRequest) (RouteDecision, error)) { decide(abi.HookFailure, fn) }

// HandleRegister answers register.
func HandleRegister(fn func(*RegisterRequest) (RegisterDecision, error)) {
	decide(abi.HookRegister, fn)
}

// HandleAuthorize answers authorize: a call about to be bridged (once per
// call; billing allows it, caps its duration or refuses it).
func HandleAuthorize(fn func(*AuthorizeRequest) (AuthorizeDecision, error)) {
	decide(abi.HookAuthorize, fn)
}

// HandleCDR answers cdr: extra fields for a call record.
func HandleCDR(fn func(*CDRRequest) (CDRDecision, error)) { decide(abi.HookCDR, fn) }

// HandleMessage answers message.
func HandleMessage(fn func(*MessageRequest) (MessageDecision, error)) { decide(abi.HookMessage, fn) }

// HandleSubscribe answers subscribe.
func HandleSubscribe(fn func(*SubscribeRequest) (SubscribeDecision, error)) {
	decide(abi.HookSubscribe, fn)
}

// HandleProvision answers provision: a phone's configuration file.
func HandleProvision(fn func(*ProvisionRequest) (ProvisionDecision, error)) {
	decide(abi.HookProvision, fn)
}

// HandleCallEvent answers the notices answer, dtmf and hangup (h says
// which).
func HandleCallEvent(h HookID, fn func(HookID, *CallEvent) error) {
	if h != abi.HookAnswer && h != abi.HookDTMF && h != abi.HookHangup {
		panic("hs: HandleCallEvent: hook " + h.String() + " is not a call event")
	}
	notice(h, func(req *CallEvent) error { return fn(h, req) })
}

// HandleTimer answers timer notices.
func HandleTimer(fn func(*TimerRequest) error) { notice(abi.HookTimer, fn) }

// HandleEvent answers bus event notices.
func HandleEvent(fn func(*EventRequest) error) { notice(abi.HookEvent, fn) }

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
	w.B, w.Features = w.B[:0], layout
	reader.Features = layout
	reader.Reset(req)
	return handlers[h](&reader, w)
}

// needs refuses to encode a message whose fields the switch's layouts
// cannot carry (trunks for a switch without abi.FeatureRouting), rather
// than leave them out and ring something else.
func needs(what string, features uint32) error {
	if missing := features &^ layout; missing != 0 {
		return errorString(what + ": trunks, time_limit and diversion need a switch with the routing feature (abi.FeatureRouting), which this one does not offer")
	}
	return nil
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
