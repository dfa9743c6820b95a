package conference

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hookswitch/hookswitch/switch/call"
	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/media"
)

// fakeAudio has every prompt (a short beep), music, and recordings in a
// temporary directory.
type fakeAudio struct {
	dir string

	mu       sync.Mutex
	prompts  []string
	finished map[string]time.Duration
}

func (a *fakeAudio) Load(name string) ([]int16, error) {
	a.mu.Lock()
	a.prompts = append(a.prompts, name)
	a.mu.Unlock()
	return make([]int16, 800), nil // 100 ms
}

func (a *fakeAudio) Music(string) ([][]int16, error) { return [][]int16{make([]int16, 8000)}, nil }

func (a *fakeAudio) CreateRecording(r call.RecordingInfo) (string, string, error) {
	return "rec:" + r.To, filepath.Join(a.dir, r.To+".wav"), nil
}

func (a *fakeAudio) FinishRecording(token string, d time.Duration) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.finished[token] = d
	return nil
}

func (a *fakeAudio) AbortRecording(string) {}

func (a *fakeAudio) said(name string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, p := range a.prompts {
		if p == name {
			return true
		}
	}
	return false
}

type fixture struct {
	e     *media.Engine
	audio *fakeAudio
	rooms *Rooms
}

func newFixture(t *testing.T) *fixture {
	e, err := media.NewEngine(media.Config{BindIP: netip.MustParseAddr("127.0.0.1")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	a := &fakeAudio{dir: t.TempDir(), finished: map[string]time.Duration{}}
	return &fixture{e: e, audio: a, rooms: New(e, a, "", nil)}
}

// caller is a member in a test: its endpoint, hang-up switch and result.
type caller struct {
	ep   *media.Endpoint
	gone chan struct{}
	res  chan hook.ConferenceResult
	id   string
}

func (f *fixture) join(t *testing.T, id string, s hook.ConferenceSpec) *caller {
	sess, err := f.e.NewSession(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sess.Close)
	sess.Start()
	ep, err := f.e.Terminate(sess.A(), media.EndpointOptions{Codec: media.Codec{PT: 0, Name: "PCMU", Rate: 8000}, DTMFPT: 101})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ep.Close)
	m := &caller{ep: ep, gone: make(chan struct{}), res: make(chan hook.ConferenceResult, 1), id: id}
	go func() {
		r, err := f.rooms.Join(ep, s, call.Member{CallID: id, Number: id, Gone: m.gone})
		if err != nil {
			t.Errorf("join %s: %v", id, err)
		}
		m.res <- r
	}()
	t.Cleanup(m.hangup)
	return m
}

func (m *caller) hangup() {
	select {
	case <-m.gone:
	default:
		close(m.gone)
	}
}

func (m *caller) result(t *testing.T) hook.ConferenceResult {
	t.Helper()
	select {
	case r := <-m.res:
		return r
	case <-time.After(5 * time.Second):
		t.Fatalf("%s still in the room", m.id)
		return hook.ConferenceResult{}
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// mixed lists the call IDs past their prompts, in the mix.
func (f *fixture) mixed(room string) map[string]MemberInfo {
	out := map[string]MemberInfo{}
	for _, r := range f.rooms.List() {
		if r.Name != room {
			continue
		}
		for _, m := range r.Members {
			if !m.Joined.IsZero() {
				out[m.CallID] = m
			}
		}
	}
	return out
}

func TestJoinLeaveAndKeys(t *testing.T) {
	f := newFixture(t)
	a := f.join(t, "a", hook.ConferenceSpec{Room: "1"})
	waitFor(t, "a in the mix", func() bool { return len(f.mixed("1")) == 1 })
	if !f.audio.said("conf/only_person") {
		t.Error("the first member was not told it is alone")
	}
	b := f.join(t, "b", hook.ConferenceSpec{Room: "1", Name: "rec:b-name"})
	waitFor(t, "b in the mix", func() bool { return len(f.mixed("1")) == 2 })
	waitFor(t, "b's name announced", func() bool { return f.audio.said("rec:b-name") && f.audio.said("conf/has_joined") })

	a.ep.PushDigit('0') // mute yourself
	waitFor(t, "a muted", func() bool { return f.mixed("1")["a"].Muted })
	a.ep.PushDigit('1') // lock: not a leader's room, ignored
	a.ep.PushDigit('#')
	if r := a.result(t); r.Reason != "left" || r.HungUp {
		t.Fatalf("a left with %+v", r)
	}
	b.hangup()
	if r := b.result(t); r.Reason != "hangup" || !r.HungUp {
		t.Fatalf("b hung up with %+v", r)
	}
	waitFor(t, "the room to close", func() bool { return len(f.rooms.List()) == 0 })
}

func TestLeaderLocksKicksAndWaitingRoom(t *testing.T) {
	f := newFixture(t)
	w := f.join(t, "waiter", hook.ConferenceSpec{Room: "2", WaitLeader: true})
	waitFor(t, "the waiter listed", func() bool { return len(f.rooms.List()) == 1 })
	if len(f.mixed("2")) != 0 {
		t.Fatal("a member waiting for the leader is in the mix")
	}
	lead := f.join(t, "lead", hook.ConferenceSpec{Room: "2", Admin: true})
	waitFor(t, "both in the mix", func() bool { return len(f.mixed("2")) == 2 })

	lead.ep.PushDigit('1') // lock
	waitFor(t, "the room locked", func() bool { return f.rooms.List()[0].Locked })
	late := f.join(t, "late", hook.ConferenceSpec{Room: "2"})
	if r := late.result(t); r.Reason != "locked" {
		t.Fatalf("a member joining a locked room: %+v, want locked", r)
	}
	lead.ep.PushDigit('2') // mute everybody else
	waitFor(t, "the waiter muted", func() bool { return f.mixed("2")["waiter"].Muted })
	lead.ep.PushDigit('3') // remove the last non-leader
	if r := w.result(t); r.Reason != "kicked" {
		t.Fatalf("kicked member: %+v", r)
	}
	if err := f.rooms.Kick("2", "nobody"); !errors.Is(err, ErrNoSuchMember) {
		t.Fatalf("Kick of a stranger: %v", err)
	}
	if err := f.rooms.Lock("nowhere", true); !errors.Is(err, ErrNoSuchRoom) {
		t.Fatalf("Lock of no room: %v", err)
	}
	lead.hangup()
	lead.result(t)
}

func TestFullRoomAndAdminKick(t *testing.T) {
	f := newFixture(t)
	a := f.join(t, "a", hook.ConferenceSpec{Room: "3", MaxMembers: 1})
	waitFor(t, "a in the mix", func() bool { return len(f.mixed("3")) == 1 })
	b := f.join(t, "b", hook.ConferenceSpec{Room: "3", MaxMembers: 1})
	if r := b.result(t); r.Reason != "full" {
		t.Fatalf("second member of a 1-member room: %+v", r)
	}
	if err := f.rooms.Mute("3", "a", true); err != nil {
		t.Fatal(err)
	}
	if !f.mixed("3")["a"].Muted {
		t.Fatal("Mute did not mute")
	}
	if err := f.rooms.Kick("3", "a"); err != nil {
		t.Fatal(err)
	}
	if r := a.result(t); r.Reason != "kicked" {
		t.Fatalf("kicked: %+v", r)
	}
}

func TestRoomRecording(t *testing.T) {
	f := newFixture(t)
	a := f.join(t, "a", hook.ConferenceSpec{Room: "rec", Record: true})
	waitFor(t, "a in the mix", func() bool { return len(f.mixed("rec")) == 1 })
	waitFor(t, "a recording", func() bool { return f.rooms.List()[0].Recording })
	time.Sleep(300 * time.Millisecond) // some frames recorded
	a.hangup()
	a.result(t)
	waitFor(t, "the recording kept", func() bool {
		f.audio.mu.Lock()
		defer f.audio.mu.Unlock()
		return f.audio.finished["rec:rec"] > 0
	})
	if fi, err := os.Stat(filepath.Join(f.audio.dir, "rec.wav")); err != nil || fi.Size() <= 44 {
		t.Fatalf("room recording file: %v", err)
	}
}
