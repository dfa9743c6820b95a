package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	gosip "github.com/emiago/sipgo/sip"
	"github.com/go-chi/chi/v5"
	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/trunk"
)

// pingTimeout bounds each OPTIONS of a diagnostics ping.
const pingTimeout = 2 * time.Second

// PingRequest asks the switch to send SIP OPTIONS to a target.
type PingRequest struct {
	// Target is an extension number (each registered contact is pinged), a
	// trunk name, or an explicit sip:host[:port][;transport=tcp] URI.
	Target string `json:"target"`
}

// PingResult is one OPTIONS and its answer.
type PingResult struct {
	URI         string  `json:"uri"`
	Destination string  `json:"destination"` // host:port the request went to
	Transport   string  `json:"transport"`
	Status      int     `json:"status"` // 0: no answer
	Reason      string  `json:"reason,omitempty"`
	RTTMillis   float64 `json:"rtt_ms"` // time to the first response
	Error       string  `json:"error,omitempty"`
}

// PingReport is the answer of POST /api/v1/diagnostics/ping.
type PingReport struct {
	Target  string       `json:"target"`
	Kind    string       `json:"kind"` // extension, trunk or uri
	Results []PingResult `json:"results"`
}

func (a *API) diagnosticsRoutes(r chi.Router) {
	r.Post("/api/v1/diagnostics/ping", a.ping)
}

func (a *API) ping(w http.ResponseWriter, r *http.Request) {
	if a.Diag == nil {
		writeErr(w, http.StatusServiceUnavailable, errNoSwitch)
		return
	}
	var req PingRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeErr(w, 400, fmt.Errorf("invalid ping JSON: %w", err))
		return
	}
	req.Target = strings.TrimSpace(req.Target)
	kind, targets, err := a.pingTargets(req.Target)
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	rep := PingReport{Target: req.Target, Kind: kind, Results: make([]PingResult, len(targets))}
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Go(func() { rep.Results[i] = a.pingOne(r.Context(), t) })
	}
	wg.Wait()
	writeJSON(w, 200, rep)
}

func (a *API) pingOne(ctx context.Context, t trunk.PingTarget) PingResult {
	out := PingResult{URI: t.URI.String(), Destination: t.Dest, Transport: t.Transport}
	res, rtt, err := trunk.Ping(ctx, a.Diag, t, pingTimeout)
	out.RTTMillis = float64(rtt.Microseconds()) / 1000
	if err != nil {
		out.Error = err.Error()
		return out
	}
	out.Status, out.Reason = res.StatusCode, res.Reason
	return out
}

// pingTargets resolves a target: a registered extension's contacts, a
// trunk's peer, or an explicit SIP URI; anything else is refused.
func (a *API) pingTargets(target string) (string, []trunk.PingTarget, error) {
	if target == "" || len(target) > 256 {
		return "", nil, &store.FieldError{Field: "target", Reason: "want an extension number, a trunk name or sip:host[:port]"}
	}
	if strings.HasPrefix(strings.ToLower(target), "sip:") {
		t, err := uriTarget(target)
		if err != nil {
			return "", nil, &store.FieldError{Field: "target", Reason: err.Error()}
		}
		return "uri", []trunk.PingTarget{t}, nil
	}
	if a.L != nil {
		var ts []trunk.PingTarget
		for _, b := range a.L.Bindings() {
			if b.AOR != target {
				continue
			}
			var u gosip.Uri
			if err := gosip.ParseUri(b.Contact, &u); err != nil {
				continue
			}
			ts = append(ts, trunk.PingTarget{Transport: strings.ToLower(b.Transport), URI: u, Dest: b.Source})
		}
		if len(ts) > 0 {
			return "extension", ts, nil
		}
	}
	if tr, err := a.B.GetTrunk(target); err == nil {
		if tr.Host == "" {
			return "", nil, &store.FieldError{Field: "target", Reason: fmt.Sprintf("trunk %q has no host to ping", target)}
		}
		t, err := trunk.PingTrunkTarget(strings.ToLower(tr.Transport), tr.Host, tr.OutboundProxy)
		if err != nil {
			return "", nil, &store.FieldError{Field: "target", Reason: fmt.Sprintf("trunk %q: %v", target, err)}
		}
		return "trunk", []trunk.PingTarget{t}, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", nil, err
	}
	return "", nil, &store.FieldError{Field: "target", Reason: fmt.Sprintf("%q is neither a registered extension, a trunk nor a sip: URI", target)}
}

// uriTarget checks an explicit sip: URI: a host, an optional port, and a
// transport the switch speaks to peers (udp, tcp, tls).
func uriTarget(s string) (trunk.PingTarget, error) {
	var u gosip.Uri
	if err := gosip.ParseUri(s, &u); err != nil {
		return trunk.PingTarget{}, fmt.Errorf("%q: %w", s, err)
	}
	if u.Host == "" || strings.ContainsAny(u.Host, " /\\@") {
		return trunk.PingTarget{}, fmt.Errorf("%q: no host", s)
	}
	if u.Port < 0 || u.Port > 65535 {
		return trunk.PingTarget{}, fmt.Errorf("%q: port out of range", s)
	}
	transport := "udp"
	if v, ok := u.UriParams.Get("transport"); ok {
		transport = strings.ToLower(v)
	}
	switch transport {
	case "udp", "tcp", "tls":
	default:
		return trunk.PingTarget{}, fmt.Errorf("%q: transport %q: want udp, tcp or tls", s, transport)
	}
	port := u.Port
	if port == 0 {
		port = 5060
		if transport == "tls" {
			port = 5061
		}
	}
	return trunk.PingTarget{Transport: transport, URI: u, Dest: net.JoinHostPort(u.Host, strconv.Itoa(port))}, nil
}
