package actionurl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// The JSON bodies sent to web apps. Every request carries the hook name and
// the catalogue version at the top level; field names are the snake_case
// of the typed requests in switch/hook, plus the seed 001 Action URL names
// (from_name, input, account_name) on route requests.

type header struct {
	Hook    hook.Name `json:"hook"`
	Version int       `json:"version"`
}

func hdr(h hook.Name) header { return header{Hook: h, Version: hook.Version} }

type registerWire struct {
	header
	AOR       string `json:"aor"`
	Contact   string `json:"contact"`
	SourceIP  string `json:"source_ip"`
	Transport string `json:"transport"`
	UserAgent string `json:"user_agent"`
	Expires   int    `json:"expires"`
}

type routeWire struct {
	header
	CallID        string `json:"call_id"`
	From          string `json:"from"`
	FromName      string `json:"from_name"`
	FromDomain    string `json:"from_domain"`
	To            string `json:"to"`
	ToDomain      string `json:"to_domain"`
	SourceIP      string `json:"source_ip"`
	Transport     string `json:"transport"`
	Authenticated bool   `json:"authenticated"`
	// Trunk names the trunk an inbound call came from ("" for a call from
	// a phone): from is then the outside caller and to the dialled DID.
	Trunk string `json:"trunk"`
	// Language is the calling extension's prompt language ("" the
	// switch's default), from its settings (SPEC P1).
	Language string `json:"language"`
	// Seed 001: the digits collected (empty on the first request) and the
	// receptionist's name, for which hookswitch sends the dialled number.
	Input       string `json:"input"`
	AccountName string `json:"account_name"`
}

// programWire is what a verb with an action URL posts: the call, the verb
// and its result.
type programWire struct {
	header
	CallID      string `json:"call_id"`
	From        string `json:"from"`
	FromName    string `json:"from_name"`
	To          string `json:"to"`
	AccountName string `json:"account_name"`
	Trunk       string `json:"trunk"`
	Language    string `json:"language"` // as in routeWire
	Verb        string `json:"verb"`
	// collect (and seed 001 repeat)
	Input *string `json:"input,omitempty"`
	// record
	Recording string  `json:"recording,omitempty"`
	Duration  float64 `json:"duration,omitempty"` // seconds
	Digit     string  `json:"digit,omitempty"`    // the terminator pressed
	// bridge (reason and hung_up also for record and conference)
	Answered    *bool   `json:"answered,omitempty"`
	Code        int     `json:"code,omitempty"`
	Reason      string  `json:"reason,omitempty"`
	Target      string  `json:"target,omitempty"`
	TalkSeconds float64 `json:"talk_seconds,omitempty"`
	HungUp      bool    `json:"hung_up,omitempty"`
	// queue (hung_up too)
	QueueResult string  `json:"queue_result,omitempty"` // one of the hook.Queue* reasons
	Agent       string  `json:"agent,omitempty"`
	Position    int     `json:"position,omitempty"` // on joining, 1 = first
	Waited      float64 `json:"waited,omitempty"`   // seconds
	Talk        float64 `json:"talk,omitempty"`     // seconds
}

type failureWire struct {
	header
	CallID  string   `json:"call_id"`
	From    string   `json:"from"`
	To      string   `json:"to"`
	Targets []string `json:"targets"`
	Code    int      `json:"code"`
	Reason  string   `json:"reason"`
	Attempt int      `json:"attempt"`
}

type authorizeWire struct {
	header
	CallID string `json:"call_id"`
	From   string `json:"from"`
	To     string `json:"to"`
	Trunk  string `json:"trunk"`
}

type callEventWire struct {
	header
	CallID   string  `json:"call_id"`
	From     string  `json:"from"`
	To       string  `json:"to"`
	Digit    string  `json:"digit,omitempty"`
	Code     int     `json:"code,omitempty"`
	Reason   string  `json:"reason,omitempty"`
	Duration float64 `json:"duration,omitempty"` // seconds
}

type cdrWire struct {
	header
	Record map[string]any `json:"record"`
}

type messageWire struct {
	header
	From        string `json:"from"`
	To          string `json:"to"`
	ContentType string `json:"content_type"`
	Body        string `json:"body"`
}

type subscribeWire struct {
	header
	From  string `json:"from"`
	To    string `json:"to"`
	Event string `json:"event"`
}

type provisionWire struct {
	header
	MAC       string `json:"mac"`
	Path      string `json:"path"`
	UserAgent string `json:"user_agent"`
	SourceIP  string `json:"source_ip"`
}

type timerWire struct {
	header
	Name string    `json:"name"`
	Time time.Time `json:"time"`
}

type eventWire struct {
	header
	Topic string         `json:"topic"`
	Data  map[string]any `json:"data"`
}

// wireOf returns the JSON shape of a typed request.
func wireOf(req hook.Request) (any, error) {
	switch r := req.(type) {
	case hook.RegisterRequest:
		return registerWire{hdr(hook.Register), r.AOR, r.Contact, r.SourceIP, r.Transport, r.UserAgent, r.Expires}, nil
	case hook.RouteRequest:
		return routeWireOf(r, ""), nil
	case hook.FailureRequest:
		return failureWire{hdr(hook.Failure), r.CallID, r.From, r.To, r.Targets, r.Code, r.Reason, r.Attempt}, nil
	case hook.AuthorizeRequest:
		return authorizeWire{hdr(hook.Authorize), r.CallID, r.From, r.To, r.Trunk}, nil
	case hook.CallEvent:
		return callEventWire{hdr(r.Kind), r.CallID, r.From, r.To, r.Digit, r.Code, r.Reason, seconds(r.Duration)}, nil
	case hook.CDRRequest:
		return cdrWire{hdr(hook.CDR), r.Record}, nil
	case hook.MessageRequest:
		return messageWire{hdr(hook.Message), r.From, r.To, r.ContentType, r.Body}, nil
	case hook.SubscribeRequest:
		return subscribeWire{hdr(hook.Subscribe), r.From, r.To, r.Event}, nil
	case hook.ProvisionRequest:
		return provisionWire{hdr(hook.Provision), r.MAC, r.Path, r.UserAgent, r.SourceIP}, nil
	case hook.TimerRequest:
		return timerWire{hdr(hook.Timer), r.Name, r.Time}, nil
	case hook.EventRequest:
		return eventWire{hdr(hook.Event), r.Topic, r.Data}, nil
	}
	return nil, fmt.Errorf("request %T: %w", req, ErrNotHandled)
}

func routeWireOf(r hook.RouteRequest, input string) routeWire {
	return routeWire{
		header: hdr(hook.Route), CallID: r.CallID, From: r.From, FromName: r.FromDisplay,
		FromDomain: r.FromDomain, To: r.To, ToDomain: r.ToDomain, SourceIP: r.SourceIP,
		Transport: r.Transport, Authenticated: r.Authenticated, Trunk: r.Trunk, Language: r.Language, Input: input, AccountName: r.To,
	}
}

// payload is an encoded request: the JSON body, and for GET the same
// fields as a query string.
type payload struct {
	hook  hook.Name
	json  []byte
	query string
}

func encode(h hook.Name, v any, get bool) (payload, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return payload{}, fmt.Errorf("encode %s request: %w", h, err)
	}
	p := payload{hook: h, json: b}
	if get {
		if p.query, err = toQuery(b); err != nil {
			return payload{}, fmt.Errorf("encode %s request: %w", h, err)
		}
	}
	return p, nil
}

// toQuery flattens a JSON object into a query string: scalars as text,
// objects and arrays as JSON (the seed 001 GET form is all scalars).
func toQuery(b []byte) (string, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return "", err
	}
	q := make(url.Values, len(m))
	for k, raw := range m {
		raw = bytes.TrimSpace(raw)
		switch {
		case len(raw) == 0 || string(raw) == "null":
			continue
		case raw[0] == '"':
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return "", err
			}
			q.Set(k, s)
		case raw[0] == '{' || raw[0] == '[':
			q.Set(k, string(raw))
		default: // number or boolean, already text
			q.Set(k, string(raw))
		}
	}
	return q.Encode(), nil
}

// seconds renders a duration for the wire, rounded to milliseconds.
func seconds(d time.Duration) float64 {
	return math.Round(d.Seconds()*1000) / 1000
}
