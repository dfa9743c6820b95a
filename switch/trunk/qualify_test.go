package trunk

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gosip "github.com/emiago/sipgo/sip"
)

func startQualifier(t *testing.T, cfg QualifyConfig) (*Qualifier, *events[QualifyStatus]) {
	t.Helper()
	q, err := NewQualifier(newStack(t), cfg, testLogger())
	if err != nil {
		t.Fatalf("new qualifier: %v", err)
	}
	ev := &events[QualifyStatus]{}
	q.OnChange(ev.add)
	if err := q.Start(context.Background()); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(q.Stop)
	return q, ev
}

func TestQualifyProviderUp(t *testing.T) {
	p := newProvider(t)
	q, ev := startQualifier(t, QualifyConfig{Name: "prov", Peer: p.udp.String(), Interval: time.Hour, Timeout: time.Second})
	eventually(t, "up", func() bool { return q.Status().Health == HealthUp })
	st := q.Status()
	if st.RTT <= 0 || st.Code < 200 || st.LastError != "" || st.Successes != 1 || st.LastCheck.IsZero() {
		t.Errorf("status %+v", st)
	}
	if err := q.Start(context.Background()); !errors.Is(err, ErrStarted) {
		t.Errorf("second Start = %v, want ErrStarted", err)
	}
	if got := ev.all(); len(got) != 1 || got[0].Health != HealthUp {
		t.Errorf("events %+v, want one up", got)
	}
	q.Stop()
	q.Stop()
}

func TestQualifyClosedPortIsDown(t *testing.T) {
	// A port nobody listens on: bind one, note it, close it.
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := c.LocalAddr().String()
	c.Close()
	q, ev := startQualifier(t, QualifyConfig{Name: "dead", Peer: addr, Interval: time.Hour, Timeout: 200 * time.Millisecond})
	eventually(t, "down", func() bool { return q.Status().Health == HealthDown })
	st := q.Status()
	if st.Code != 408 || !strings.Contains(st.LastError, "no response") || st.Failures != 1 {
		t.Errorf("status %+v", st)
	}
	if got := ev.all(); len(got) != 1 || got[0].Health != HealthDown {
		t.Errorf("events %+v, want one down", got)
	}
}

func TestQualifyClosedTCPPortIsDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	q, _ := startQualifier(t, QualifyConfig{Name: "dead", Peer: addr, Transport: "tcp", Interval: time.Hour, Timeout: time.Second})
	eventually(t, "down", func() bool { return q.Status().Health == HealthDown })
	if st := q.Status(); st.Code != 503 {
		t.Errorf("status %+v, want 503 for a refused connection", st)
	}
}

func TestQualifyAnyFinalResponseIsAlive(t *testing.T) {
	f := newFakeUAS(t, func(n int, req *gosip.Request) *gosip.Response {
		return gosip.NewResponseFromRequest(req, 501, "Not Implemented", nil)
	})
	q, _ := startQualifier(t, QualifyConfig{Name: "strict", Peer: f.addr.String(), Interval: time.Hour, Timeout: time.Second})
	eventually(t, "up", func() bool { return q.Status().Health == HealthUp })
	if st := q.Status(); st.Code != 501 {
		t.Errorf("status %+v", st)
	}
	req := f.requests()[0]
	if req.Method != gosip.OPTIONS || req.To().Address.Host != "127.0.0.1" || req.From().Address.User != "hookswitch" {
		t.Errorf("request %s", req.String())
	}
}

func TestQualifyHysteresis(t *testing.T) {
	var silent atomic.Bool
	f := newFakeUAS(t, func(n int, req *gosip.Request) *gosip.Response {
		if silent.Load() {
			return nil
		}
		return gosip.NewResponseFromRequest(req, 200, "OK", nil)
	})
	q, ev := startQualifier(t, QualifyConfig{Name: "flaky", Peer: f.addr.String(), Interval: 100 * time.Millisecond,
		Timeout: 100 * time.Millisecond, DownAfter: 3, UpAfter: 2})
	eventually(t, "up", func() bool { return q.Status().Health == HealthUp })

	silent.Store(true)
	// While fewer than DownAfter probes in a row failed, the peer stays up.
	eventually(t, "down", func() bool {
		st := q.Status()
		if st.Health == HealthUp && st.Failures >= 3 {
			t.Fatalf("still up after %d failures", st.Failures)
		}
		return st.Health == HealthDown
	})
	silent.Store(false)
	eventually(t, "up again", func() bool { return q.Status().Health == HealthUp })
	// The events carry the counts at the moment of each change.
	got := ev.all()
	if len(got) == 3 && (got[1].Failures != 3 || got[2].Successes != 2) {
		t.Errorf("down after %d failures, up after %d answers; want 3 and 2", got[1].Failures, got[2].Successes)
	}
	var hs []Health
	for _, s := range ev.all() {
		hs = append(hs, s.Health)
	}
	if want := []Health{HealthUp, HealthDown, HealthUp}; !equal(hs, want) {
		t.Errorf("events %v, want %v", hs, want)
	}
}

func TestQualifierRecordHysteresis(t *testing.T) {
	// The same rules without the network, one outcome at a time.
	q := &Qualifier{cfg: QualifyConfig{DownAfter: 2, UpAfter: 2}, log: testLogger()}
	res := &gosip.Response{StatusCode: 200, Reason: "OK"}
	lost := ErrTimeout
	steps := []struct {
		err  error
		want Health
	}{
		{lost, HealthDown}, // the first result decides
		{nil, HealthDown},
		{nil, HealthUp},
		{lost, HealthUp},
		{nil, HealthUp},
		{lost, HealthUp},
		{lost, HealthDown},
		{nil, HealthDown},
		{lost, HealthDown},
	}
	for i, s := range steps {
		r := res
		if s.err != nil {
			r = nil
		}
		q.record(time.Now(), r, time.Millisecond, s.err)
		if got := q.Status().Health; got != s.want {
			t.Fatalf("step %d: %v, want %v", i, got, s.want)
		}
	}
}

func TestQualifyConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		cfg   QualifyConfig
		field string
	}{
		{QualifyConfig{Name: "a", Peer: "192.0.2.1"}, ""},
		{QualifyConfig{Peer: "192.0.2.1"}, "name"},
		{QualifyConfig{Name: "a"}, "peer"},
		{QualifyConfig{Name: "a", Peer: "bad host"}, "peer"},
		{QualifyConfig{Name: "a", Peer: "192.0.2.1", Transport: "sctp"}, "transport"},
		{QualifyConfig{Name: "a", Peer: "192.0.2.1", Interval: time.Second, Timeout: 2 * time.Second}, "timeout"},
		{QualifyConfig{Name: "a", Peer: "192.0.2.1", DownAfter: -1}, "down_after"},
		{QualifyConfig{Name: "a", Peer: "192.0.2.1", UpAfter: 1000}, "up_after"},
		{QualifyConfig{Name: "a", Peer: "192.0.2.1", Interval: -time.Second}, "interval"},
		{QualifyConfig{Name: "a", Peer: "192.0.2.1", FromUser: "a b"}, "from_user"},
	} {
		err := tc.cfg.Validate()
		checkField(t, tc.cfg.Name+" "+tc.cfg.Peer, err, tc.field)
	}
	c := QualifyConfig{Name: "a", Peer: "192.0.2.1"}
	if err := c.Validate(); err != nil || c.Interval != 60*time.Second || c.Timeout != 5*time.Second ||
		c.DownAfter != 2 || c.UpAfter != 1 || c.Transport != "udp" || c.FromUser != "hookswitch" {
		t.Errorf("defaults %+v, %v", c, err)
	}
}
