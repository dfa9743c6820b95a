package actionurl

import (
	"encoding/base64"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// The JSON decisions web apps return for the hooks other than route.

type registerAnswer struct {
	Reject  bool   `json:"reject"`
	Code    int    `json:"code"`
	Reason  string `json:"reason"`
	Expires int    `json:"expires"`
}

type authorizeAnswer struct {
	Allow       *bool    `json:"allow"`
	MaxDuration *float64 `json:"max_duration"` // seconds
	Code        int      `json:"code"`
	Reason      string   `json:"reason"`
}

type cdrAnswer struct {
	Extra map[string]string `json:"extra"`
}

type messageAnswer struct {
	Reject    bool   `json:"reject"`
	Code      int    `json:"code"`
	DeliverTo string `json:"deliver_to"`
}

type subscribeAnswer struct {
	Reject bool `json:"reject"`
	Code   int  `json:"code"`
}

type provisionAnswer struct {
	Code        int     `json:"code"`
	ContentType string  `json:"content_type"`
	Body        *string `json:"body"`
	BodyBase64  *string `json:"body_base64"`
}

const (
	maxExpires     = 86400
	maxCallSeconds = 7 * 86400
)

// decodeDecision turns a 2xx answer into the typed decision of req's hook.
// Notices accept any 2xx; 204 No Content means "no opinion": the hook's
// default decision.
func decodeDecision(req hook.Request, r response) (hook.Decision, error) {
	switch req.(type) {
	case hook.CallEvent, hook.TimerRequest, hook.EventRequest:
		return hook.Ack{}, nil
	}
	if r.status == http.StatusNoContent {
		return hook.Default(req), nil
	}
	switch req.(type) {
	case hook.RegisterRequest:
		var a registerAnswer
		if err := decodeStrict(r.body, &a); err != nil {
			return nil, err
		}
		if err := firstErr(checkCode("code", a.Code), checkReason(a.Reason)); err != nil {
			return nil, err
		}
		if a.Expires < 0 || a.Expires > maxExpires {
			return nil, fmt.Errorf("%w: field \"expires\": want 0-%d seconds, got %d", ErrResponse, maxExpires, a.Expires)
		}
		return hook.RegisterDecision{Reject: a.Reject, Code: a.Code, Reason: a.Reason, Expires: a.Expires}, nil
	case hook.FailureRequest:
		// No base URL: the failure hook takes a decision (bridge, reject,
		// call or hangup), not a call program.
		d, err := parseDoc(r.body, nil)
		if err != nil {
			return nil, err
		}
		return d.decision(), nil
	case hook.AuthorizeRequest:
		var a authorizeAnswer
		if err := decodeStrict(r.body, &a); err != nil {
			return nil, err
		}
		if a.Allow == nil {
			return nil, fmt.Errorf("%w: field \"allow\": required (true or false)", ErrResponse)
		}
		maxDur, err := checkSeconds("max_duration", a.MaxDuration, maxCallSeconds)
		if err := firstErr(err, checkCode("code", a.Code), checkReason(a.Reason)); err != nil {
			return nil, err
		}
		return hook.AuthorizeDecision{Allow: *a.Allow, MaxDuration: maxDur, Code: a.Code, Reason: a.Reason}, nil
	case hook.CDRRequest:
		var a cdrAnswer
		if err := decodeStrict(r.body, &a); err != nil {
			return nil, err
		}
		if len(a.Extra) > maxExtra {
			return nil, fmt.Errorf("%w: field \"extra\": at most %d entries", ErrResponse, maxExtra)
		}
		for k, v := range a.Extra {
			if k == "" || len(k) > 64 || len(v) > maxExtraLen || !printable(k) || !printable(v) {
				return nil, fmt.Errorf("%w: field \"extra\": entry %q: want a name of 1-64 and a value of at most %d bytes of text", ErrResponse, clip(k), maxExtraLen)
			}
		}
		return hook.CDRDecision{Extra: a.Extra}, nil
	case hook.MessageRequest:
		var a messageAnswer
		if err := decodeStrict(r.body, &a); err != nil {
			return nil, err
		}
		if err := firstErr(checkCode("code", a.Code), checkUserPart("deliver_to", a.DeliverTo)); err != nil {
			return nil, err
		}
		return hook.MessageDecision{Reject: a.Reject, Code: a.Code, DeliverTo: a.DeliverTo}, nil
	case hook.SubscribeRequest:
		var a subscribeAnswer
		if err := decodeStrict(r.body, &a); err != nil {
			return nil, err
		}
		if err := checkCode("code", a.Code); err != nil {
			return nil, err
		}
		return hook.SubscribeDecision{Reject: a.Reject, Code: a.Code}, nil
	case hook.ProvisionRequest:
		return decodeProvision(r.body)
	}
	return nil, fmt.Errorf("hook %s: %w", req.Hook(), ErrNotHandled)
}

// decodeProvision reads a configuration file: text in "body" or bytes in
// "body_base64"; code defaults to 200 with a body and 404 without.
func decodeProvision(b []byte) (hook.Decision, error) {
	var a provisionAnswer
	if err := decodeStrict(b, &a); err != nil {
		return nil, err
	}
	d := hook.ProvisionDecision{Code: a.Code, ContentType: a.ContentType}
	switch {
	case a.Body != nil && a.BodyBase64 != nil:
		return nil, fmt.Errorf("%w: give \"body\" or \"body_base64\", not both", ErrResponse)
	case a.Body != nil:
		d.Body = []byte(*a.Body)
		if d.ContentType == "" {
			d.ContentType = "text/plain; charset=utf-8"
		}
	case a.BodyBase64 != nil:
		var err error
		if d.Body, err = base64.StdEncoding.DecodeString(*a.BodyBase64); err != nil {
			return nil, fmt.Errorf("%w: field \"body_base64\": %v", ErrResponse, err)
		}
		if d.ContentType == "" {
			d.ContentType = "application/octet-stream"
		}
	}
	if d.Code == 0 {
		d.Code = http.StatusOK
		if a.Body == nil && a.BodyBase64 == nil {
			d.Code = http.StatusNotFound
		}
	}
	if d.Code < 200 || d.Code > 599 {
		return nil, fmt.Errorf("%w: field \"code\": want an HTTP status 200-599, got %d", ErrResponse, d.Code)
	}
	if d.ContentType != "" {
		if _, _, err := mime.ParseMediaType(d.ContentType); err != nil || strings.ContainsAny(d.ContentType, "\r\n") {
			return nil, fmt.Errorf("%w: field \"content_type\": %q is not a media type", ErrResponse, clip(d.ContentType))
		}
	}
	return d, nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
