package trunk

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/sip/digest"
)

func startRegistration(t *testing.T, a Account) (*Registration, *events[Status]) {
	t.Helper()
	r, err := NewRegistration(newStack(t), a, testLogger())
	if err != nil {
		t.Fatalf("new registration: %v", err)
	}
	ev := &events[Status]{}
	r.OnChange(ev.add)
	if err := r.Start(context.Background()); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(r.Stop)
	return r, ev
}

func registered(r *Registration) func() bool {
	return func() bool { return r.Status().State == StateRegistered }
}

func TestRegisterBindsAndStopUnregisters(t *testing.T) {
	for _, transport := range []string{"udp", "tcp"} {
		t.Run(transport, func(t *testing.T) {
			p := newProvider(t)
			r, ev := startRegistration(t, p.account(transport))
			eventually(t, "registered", registered(r))
			st := r.Status()
			if st.Code != 200 || st.LastError != "" || st.Failures != 0 {
				t.Errorf("status after success = %+v", st)
			}
			if d := time.Until(st.ExpiresAt); d < 50*time.Second || d > 61*time.Second {
				t.Errorf("expires in %v, want about the 60 s asked", d)
			}
			if d := time.Until(st.NextAttempt); d < 40*time.Second || d > 55*time.Second {
				t.Errorf("refresh in %v, want 80-90 %% of 60 s", d)
			}
			if st.NAT {
				t.Errorf("NAT reported on loopback: %v", st.Public)
			}
			bs := p.bindings()
			if len(bs) != 1 {
				t.Fatalf("provider bindings = %+v, want 1", bs)
			}
			if want := r.self.String(); bs[0].Contact != want {
				t.Errorf("binding contact %q, want %q", bs[0].Contact, want)
			}
			if bs[0].Transport != transport {
				t.Errorf("binding transport %q, want %q", bs[0].Transport, transport)
			}
			if err := r.Start(context.Background()); !errors.Is(err, ErrStarted) {
				t.Errorf("second Start = %v, want ErrStarted", err)
			}

			r.Stop()
			if st := r.Status(); st.State != StateStopped || st.LastError != "" || st.Code != 200 {
				t.Errorf("status after Stop = %+v", st)
			}
			if bs := p.bindings(); len(bs) != 0 {
				t.Errorf("binding left after Stop: %+v", bs)
			}
			var states []State
			for _, s := range ev.all() {
				states = append(states, s.State)
			}
			if want := []State{StateRegistering, StateRegistered, StateStopped}; !equal(states, want) {
				t.Errorf("events %v, want %v", states, want)
			}
			r.Stop() // twice is harmless
		})
	}
}

func TestRegisterRefreshesWithOneCallID(t *testing.T) {
	p := newProvider(t, func(c *providerConfig) {
		c.Registrar.MinExpires, c.Registrar.MaxExpires = time.Second, 2*time.Second
	})
	a := p.account("udp")
	a.Expiry = 3600 * time.Second // the provider cuts it to 2 s
	r, _ := startRegistration(t, a)
	eventually(t, "registered", registered(r))
	if d := time.Until(r.Status().ExpiresAt); d > 2*time.Second {
		t.Errorf("expires in %v: the provider's 2 s not obeyed", d)
	}
	first := p.bindings()
	if len(first) != 1 {
		t.Fatalf("bindings %+v", first)
	}
	// Each refresh is one REGISTER with the cached challenge, or two when
	// the provider asks again: the CSeq grows either way.
	eventually(t, "two refreshes", func() bool {
		bs := p.bindings()
		return len(bs) == 1 && bs[0].CSeq >= first[0].CSeq+2
	})
	bs := p.bindings()
	if bs[0].CallID != first[0].CallID {
		t.Errorf("Call-ID changed across refreshes: %q then %q", first[0].CallID, bs[0].CallID)
	}
	if st := r.Status(); st.State != StateRegistered || st.Failures != 0 {
		t.Errorf("status after refreshes = %+v", st)
	}
}

func TestRegisterWrongPasswordBacksOffLonger(t *testing.T) {
	p := newProvider(t)
	a := p.account("udp")
	a.Password = "Wrong-password-1"
	a.MaxRetryInterval = time.Minute
	r, ev := startRegistration(t, a)
	eventually(t, "failed", func() bool { return r.Status().State == StateFailed })
	st := r.Status()
	if st.Code != 403 || st.String() != "failed: 403 Forbidden" {
		t.Errorf("status %q (code %d), want failed: 403 Forbidden", st, st.Code)
	}
	// A refused password waits the longest backoff, not the first retry.
	if d := time.Until(st.NextAttempt); d < 40*time.Second {
		t.Errorf("next attempt in %v, want the long auth backoff (45-60 s)", d)
	}
	if bs := p.bindings(); len(bs) != 0 {
		t.Errorf("bindings with a wrong password: %+v", bs)
	}
	if got := ev.all(); len(got) != 2 || got[1].State != StateFailed {
		t.Errorf("events %+v, want registering then failed", got)
	}
	r.Stop()
	if st := r.Status(); st.State != StateStopped || st.Code != 403 {
		t.Errorf("after Stop: %+v (no un-REGISTER without a binding)", st)
	}
}

func TestRegisterSHA256(t *testing.T) {
	p := newProvider(t, func(c *providerConfig) { c.DigestAlgorithms = []digest.Algorithm{digest.SHA256} })
	r, _ := startRegistration(t, p.account("udp"))
	eventually(t, "registered with SHA-256", registered(r))
}

func TestRegisterRealmMismatch(t *testing.T) {
	p := newProvider(t)
	a := p.account("udp")
	a.Realm = "other.example"
	a.MaxRetryInterval = time.Minute
	r, _ := startRegistration(t, a)
	eventually(t, "failed", func() bool { return r.Status().State == StateFailed })
	st := r.Status()
	if st.Code != 401 || !strings.Contains(st.LastError, `realm "other.example"`) || !strings.Contains(st.LastError, `realm "hookswitch"`) {
		t.Errorf("status %+v, want 401 naming both realms", st)
	}
}

func TestRegisterSurvivesProviderOutage(t *testing.T) {
	p := newProvider(t, func(c *providerConfig) {
		c.Registrar.MinExpires, c.Registrar.MaxExpires = time.Second, time.Second
	})
	r, ev := startRegistration(t, p.account("udp"))
	eventually(t, "registered", registered(r))
	p.stop(t)
	eventually(t, "retries time out", func() bool {
		st := r.Status()
		return st.State == StateFailed && st.Code == 408 && st.Failures >= 3
	})
	if st := r.Status(); !strings.Contains(st.LastError, "no response") {
		t.Errorf("last error %q, want a timeout", st.LastError)
	}
	p.restart(t)
	eventually(t, "registered again", registered(r))
	if st := r.Status(); st.Failures != 0 || st.LastError != "" {
		t.Errorf("status after recovery %+v", st)
	}
	var states []State
	for _, s := range ev.all() {
		states = append(states, s.State)
	}
	if want := []State{StateRegistering, StateRegistered, StateFailed, StateRegistered}; !equal(states, want) {
		t.Errorf("events %v, want %v (repeated timeouts are one event)", states, want)
	}
}

func TestRegisterIntervalTooBrief(t *testing.T) {
	f := newFakeUAS(t, func(n int, req *gosip.Request) *gosip.Response {
		if req.Method == gosip.REGISTER && n == 0 {
			res := gosip.NewResponseFromRequest(req, 423, "Interval Too Brief", nil)
			res.AppendHeader(gosip.NewHeader("Min-Expires", "120"))
			return res
		}
		res := ok(req)
		// As if a NAT stood between us: the registrar saw another address.
		res.Via().Params.Add("received", "203.0.113.7")
		res.Via().Params.Add("rport", "40000")
		return res
	})
	r, ev := startRegistration(t, Account{Name: "fake", Registrar: f.addr.String(), Username: "acme", Expiry: 60 * time.Second,
		RetryInterval: 50 * time.Millisecond, Timeout: time.Second})
	eventually(t, "registered", registered(r))
	st := r.Status()
	if d := time.Until(st.ExpiresAt); d < 110*time.Second || d > 121*time.Second {
		t.Errorf("expires in %v, want the 120 s of Min-Expires", d)
	}
	if !st.NAT || st.Public.String() != "203.0.113.7:40000" {
		t.Errorf("NAT %v public %v, want 203.0.113.7:40000", st.NAT, st.Public)
	}
	if len(ev.all()) != 2 {
		t.Errorf("events %+v", ev.all())
	}
	r.Stop()
	reqs := f.requests()
	if len(reqs) != 3 {
		t.Fatalf("got %d requests, want REGISTER 60, REGISTER 120, REGISTER 0", len(reqs))
	}
	for i, want := range []string{"60", "120", "0"} {
		q := reqs[i]
		if got := q.GetHeader("Expires").Value(); got != want {
			t.Errorf("request %d Expires %s, want %s", i, got, want)
		}
		if q.CallID().Value() != reqs[0].CallID().Value() {
			t.Errorf("request %d changed the Call-ID", i)
		}
		if q.CSeq().SeqNo != reqs[0].CSeq().SeqNo+uint32(i) {
			t.Errorf("request %d CSeq %d, want %d", i, q.CSeq().SeqNo, reqs[0].CSeq().SeqNo+uint32(i))
		}
		if q.GetHeader("Authorization") != nil {
			t.Errorf("request %d has credentials nobody asked for", i)
		}
		if to := q.To().Address; to.User != "acme" || to.Host != "127.0.0.1" {
			t.Errorf("request %d To %s, want acme at the registrar host", i, to.String())
		}
	}
}

func TestRegisterRetryAfterAndOutboundProxy(t *testing.T) {
	f := newFakeUAS(t, func(n int, req *gosip.Request) *gosip.Response {
		res := gosip.NewResponseFromRequest(req, 503, "Service Unavailable", nil)
		res.AppendHeader(gosip.NewHeader("Retry-After", "90 (maintenance);duration=60"))
		return res
	})
	// The registrar's name does not resolve: requests must go to the proxy.
	r, _ := startRegistration(t, Account{Name: "via-proxy", Registrar: "registrar.invalid", OutboundProxy: f.addr.String(),
		Username: "acme", RetryInterval: 50 * time.Millisecond, Timeout: time.Second})
	eventually(t, "failed", func() bool { return r.Status().State == StateFailed })
	st := r.Status()
	if st.Code != 503 || time.Until(st.NextAttempt) < 80*time.Second {
		t.Errorf("status %+v: want 503 and the next try after Retry-After 90 s", st)
	}
	q := f.requests()[0]
	if q.Recipient.Host != "registrar.invalid" {
		t.Errorf("Request-URI %s, want the registrar", q.Recipient.String())
	}
	if rt := q.Route(); rt == nil || rt.Address.Port != int(f.addr.Port()) || !rt.Address.UriParams.Has("lr") {
		t.Errorf("Route %v, want the proxy with lr", rt)
	}
}

func TestNewRegistrationNeedsListener(t *testing.T) {
	_, err := NewRegistration(newStack(t), Account{Name: "x", Registrar: "192.0.2.1", Transport: "tls", Username: "u"}, nil)
	if err == nil || !strings.Contains(err.Error(), "no tls listener") {
		t.Errorf("err = %v, want no tls listener", err)
	}
	_, err = NewRegistration(newStack(t), Account{Name: "x", Username: "u"}, nil)
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "registrar" {
		t.Errorf("err = %v, want a registrar FieldError", err)
	}
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
