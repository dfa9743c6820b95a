// Package conference runs conference rooms on top of the media mixer
// (media.Room): rooms by name, leaders and waiting rooms, locking, muting,
// kicking, announcements of who joins and leaves, keypad controls, and
// recording. Who may join, with which PIN and as what, is the dial plan's
// business (the default conference script); this package keeps the room.
package conference

import (
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/hookswitch/hookswitch/switch/call"
	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/media"
)

// Keypad controls of a member (documented in docs/ADMIN.md).
const (
	keyMute    = '0' // mute or unmute yourself
	keyLock    = '1' // leader: lock or unlock the room
	keyMuteAll = '2' // leader: mute or unmute everybody but leaders
	keyKick    = '3' // leader: remove the member who joined last
	keyLeave   = '#' // leave the room
)

// ErrNoSuchRoom and ErrNoSuchMember are returned by the admin operations.
var (
	ErrNoSuchRoom   = errors.New("no such conference room")
	ErrNoSuchMember = errors.New("no such member")
)

// Rooms is every conference of the node; it implements call.Rooms.
type Rooms struct {
	engine *media.Engine
	audio  call.Audio
	music  string // music-on-hold class of waiting rooms
	log    *slog.Logger

	mu    sync.Mutex
	rooms map[string]*room
}

// New makes the room registry. audio gives prompts, music and recordings
// (nil: rooms run silent and unrecorded).
func New(e *media.Engine, audio call.Audio, music string, log *slog.Logger) *Rooms {
	if log == nil {
		log = slog.Default()
	}
	if music == "" {
		music = "default"
	}
	return &Rooms{engine: e, audio: audio, music: music, log: log, rooms: map[string]*room{}}
}

// room is one conference.
type room struct {
	name    string
	mix     *media.Room
	members []*member // in joining order
	locked  bool
	leaders int
	leader  chan struct{} // closed when a leader arrives; replaced when the last leaves
	rec     *roomRecording
}

type roomRecording struct {
	token string
	rec   *media.Recorder
}

type member struct {
	call.Member
	ep     *media.Endpoint
	admin  bool
	muted  bool
	name   string // the recording of the member's name, "" if none
	joined time.Time
	kicked chan struct{}
}

// Info describes a room for admins.
type Info struct {
	Name      string       `json:"name"`
	Locked    bool         `json:"locked"`
	Members   []MemberInfo `json:"members"`
	Recording bool         `json:"recording"`
}

// MemberInfo describes a member for admins.
type MemberInfo struct {
	CallID string    `json:"call_id"`
	Number string    `json:"number"`
	Name   string    `json:"name"`
	Admin  bool      `json:"admin"`
	Muted  bool      `json:"muted"`
	Joined time.Time `json:"joined"`
}

// Join runs a member's stay in a room (call.Rooms): it returns when the
// member leaves, hangs up or is kicked.
func (rs *Rooms) Join(ep *media.Endpoint, s hook.ConferenceSpec, who call.Member) (hook.ConferenceResult, error) {
	if s.Room == "" {
		return hook.ConferenceResult{}, fmt.Errorf("join: %w: empty room name", hook.ErrState)
	}
	m := &member{Member: who, ep: ep, admin: s.Admin, muted: s.Muted, name: s.Name, kicked: make(chan struct{})}

	rs.mu.Lock()
	r := rs.rooms[s.Room]
	if r == nil {
		r = &room{name: s.Room, mix: rs.engine.NewRoom(), leader: make(chan struct{})}
		rs.rooms[s.Room] = r
	}
	refuse := ""
	switch {
	case r.locked && !m.admin:
		refuse = "locked"
	case s.MaxMembers > 0 && len(r.members) >= s.MaxMembers:
		refuse = "full"
	}
	if refuse != "" {
		rs.dropIfEmpty(r)
		rs.mu.Unlock()
		rs.say(ep, who.Gone, "conf/"+refuse)
		return hook.ConferenceResult{Reason: refuse, HungUp: isClosed(who.Gone)}, nil
	}
	// Reserve the place now, so a second caller racing in sees it.
	r.members = append(r.members, m)
	if m.admin {
		r.leaders++
		if r.leaders == 1 {
			close(r.leader)
		}
	}
	wait := s.WaitLeader && !m.admin && r.leaders == 0
	alone := len(r.members) == 1
	leader := r.leader
	rs.mu.Unlock()

	defer rs.leave(r, m)
	if !rs.say(ep, who.Gone, "conf/joining") {
		return hook.ConferenceResult{Reason: "hangup", HungUp: true}, nil
	}
	if wait {
		rs.say(ep, who.Gone, "conf/wait_leader")
		if !rs.waitLeader(ep, who.Gone, leader, m.kicked) {
			return rs.outcome(m), nil
		}
	} else if alone {
		rs.say(ep, who.Gone, "conf/only_person")
	}

	rs.mu.Lock()
	if err := r.mix.Join(ep); err != nil {
		rs.mu.Unlock()
		return hook.ConferenceResult{}, err
	}
	r.mix.SetMuted(ep, m.muted)
	m.joined = time.Now()
	if s.Record && r.rec == nil {
		r.rec = rs.startRecording(r, who.CallID)
	}
	rs.mu.Unlock()
	rs.announce(r, m, "conf/has_joined")
	rs.log.Info("conference join", "room", r.name, "call_id", who.CallID, "number", who.Number, "admin", m.admin)

	for {
		select {
		case d := <-ep.Digits():
			if d == keyLeave {
				return hook.ConferenceResult{Reason: "left"}, nil
			}
			rs.control(r, m, d)
		case <-m.kicked:
			return rs.outcome(m), nil
		case <-who.Gone:
			return hook.ConferenceResult{Reason: "hangup", HungUp: true}, nil
		}
	}
}

// outcome is how a member who stopped waiting left.
func (rs *Rooms) outcome(m *member) hook.ConferenceResult {
	if isClosed(m.Gone) {
		return hook.ConferenceResult{Reason: "hangup", HungUp: true}
	}
	rs.say(m.ep, m.Gone, "conf/kicked")
	return hook.ConferenceResult{Reason: "kicked", HungUp: isClosed(m.Gone)}
}

// waitLeader plays music until a leader is in the room; false when the
// member hung up or was removed meanwhile.
func (rs *Rooms) waitLeader(ep *media.Endpoint, gone <-chan struct{}, leader, kicked <-chan struct{}) bool {
	if rs.audio != nil {
		if tracks, err := rs.audio.Music(rs.music); err == nil {
			ep.Play(media.NewPlaylist(tracks, false))
		}
	}
	defer ep.Stop()
	select {
	case <-leader:
		return true
	case <-gone:
	case <-kicked:
	}
	return false
}

// control applies a member's key.
func (rs *Rooms) control(r *room, m *member, d byte) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	switch {
	case d == keyMute:
		m.muted = !m.muted
		r.mix.SetMuted(m.ep, m.muted)
		rs.sayAsync(m.ep, map[bool]string{true: "conf/muted", false: "conf/unmuted"}[m.muted])
	case d == keyLock && m.admin:
		r.locked = !r.locked
		rs.announceLocked(r, map[bool]string{true: "conf/lock_on", false: "conf/lock_off"}[r.locked])
	case d == keyMuteAll && m.admin:
		mute := false
		for _, o := range r.members {
			if !o.admin && !o.muted {
				mute = true
				break
			}
		}
		for _, o := range r.members {
			if !o.admin {
				o.muted = mute
				r.mix.SetMuted(o.ep, mute)
			}
		}
		rs.sayAsync(m.ep, map[bool]string{true: "conf/muted", false: "conf/unmuted"}[mute])
	case d == keyKick && m.admin:
		for i := len(r.members) - 1; i >= 0; i-- {
			if o := r.members[i]; o != m && !o.admin {
				kick(o)
				break
			}
		}
	}
}

// leave takes m out of r; the last one out closes the room.
func (rs *Rooms) leave(r *room, m *member) {
	rs.mu.Lock()
	for i, o := range r.members {
		if o == m {
			r.members = append(r.members[:i], r.members[i+1:]...)
			break
		}
	}
	r.mix.Leave(m.ep)
	if m.admin {
		r.leaders--
		if r.leaders == 0 {
			r.leader = make(chan struct{})
		}
	}
	joined := !m.joined.IsZero()
	rs.dropIfEmpty(r)
	rs.mu.Unlock()
	if joined {
		rs.announce(r, m, "conf/has_left")
		rs.log.Info("conference leave", "room", r.name, "call_id", m.CallID)
	}
}

// dropIfEmpty closes an empty room and its recording. rs.mu held.
func (rs *Rooms) dropIfEmpty(r *room) {
	if len(r.members) > 0 {
		return
	}
	if rs.rooms[r.name] == r {
		delete(rs.rooms, r.name)
	}
	if r.rec != nil {
		rs.stopRecording(r)
	}
	r.mix.Close()
}

// announce tells the room that m joined or left: its recorded name, then
// the phrase. Without a name nothing is said (a beep would do, later).
func (rs *Rooms) announce(r *room, m *member, phrase string) {
	if m.name == "" || rs.audio == nil {
		return
	}
	name, err := rs.audio.Load(m.name)
	if err != nil {
		return
	}
	rest, err := rs.audio.Load(phrase)
	if err != nil {
		return
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if len(r.members) == 0 {
		return
	}
	r.mix.Announce(media.NewClip(append(append([]int16(nil), name...), rest...), 1))
}

func (rs *Rooms) announceLocked(r *room, phrase string) {
	if rs.audio == nil {
		return
	}
	if pcm, err := rs.audio.Load(phrase); err == nil {
		r.mix.Announce(media.NewClip(pcm, 1))
	}
}

// say plays a prompt to one member and waits for it; false if the
// member hung up meanwhile. A missing prompt is skipped.
func (rs *Rooms) say(ep *media.Endpoint, gone <-chan struct{}, name string) bool {
	if rs.audio == nil {
		return !isClosed(gone)
	}
	pcm, err := rs.audio.Load(name)
	if err != nil {
		rs.log.Debug("conference prompt missing", "prompt", name, "error", err)
		return !isClosed(gone)
	}
	select {
	case <-ep.Play(media.NewClip(pcm, 1)):
		return !isClosed(gone)
	case <-gone:
		ep.Stop()
		return false
	}
}

// sayAsync plays a prompt to one member over the conference.
func (rs *Rooms) sayAsync(ep *media.Endpoint, name string) {
	if rs.audio == nil {
		return
	}
	if pcm, err := rs.audio.Load(name); err == nil {
		ep.Play(media.NewClip(pcm, 1))
	}
}

func kick(m *member) {
	select {
	case <-m.kicked:
	default:
		close(m.kicked)
	}
}

func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// startRecording records the room's mix. rs.mu held.
func (rs *Rooms) startRecording(r *room, callID string) *roomRecording {
	if rs.audio == nil {
		return nil
	}
	token, path, err := rs.audio.CreateRecording(call.RecordingInfo{CallID: callID, Kind: "conference", To: r.name, Channels: 1})
	if err != nil {
		rs.log.Warn("conference recording refused", "room", r.name, "error", err)
		return nil
	}
	rec, err := media.NewRecorder(path, 1)
	if err != nil {
		rs.audio.AbortRecording(token)
		rs.log.Warn("conference recording failed", "room", r.name, "error", err)
		return nil
	}
	r.mix.AddRecorder(rec)
	return &roomRecording{token: token, rec: rec}
}

// stopRecording keeps the room's recording. rs.mu held.
func (rs *Rooms) stopRecording(r *room) {
	rr := r.rec
	r.rec = nil
	r.mix.RemoveRecorder(rr.rec)
	d, err := rr.rec.Close()
	if err == nil {
		err = rs.audio.FinishRecording(rr.token, d)
	}
	if err != nil {
		rs.audio.AbortRecording(rr.token)
		rs.log.Warn("conference recording lost", "room", r.name, "error", err)
	}
}

// List describes every room, by name.
func (rs *Rooms) List() []Info {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	out := make([]Info, 0, len(rs.rooms))
	for _, r := range rs.rooms {
		out = append(out, r.info())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (r *room) info() Info {
	in := Info{Name: r.name, Locked: r.locked, Recording: r.rec != nil}
	for _, m := range r.members {
		in.Members = append(in.Members, MemberInfo{CallID: m.CallID, Number: m.Number, Name: m.Member.Name,
			Admin: m.admin, Muted: m.muted, Joined: m.joined})
	}
	return in
}

// Kick removes a member (by call ID) from a room.
func (rs *Rooms) Kick(roomName, callID string) error {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	m, err := rs.find(roomName, callID)
	if err != nil {
		return err
	}
	kick(m)
	return nil
}

// Mute mutes or unmutes a member.
func (rs *Rooms) Mute(roomName, callID string, on bool) error {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	m, err := rs.find(roomName, callID)
	if err != nil {
		return err
	}
	m.muted = on
	rs.rooms[roomName].mix.SetMuted(m.ep, on)
	return nil
}

// Lock locks or unlocks a room: a locked room takes no new members but
// leaders.
func (rs *Rooms) Lock(roomName string, on bool) error {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	r := rs.rooms[roomName]
	if r == nil {
		return fmt.Errorf("lock %q: %w", roomName, ErrNoSuchRoom)
	}
	r.locked = on
	return nil
}

func (rs *Rooms) find(roomName, callID string) (*member, error) {
	r := rs.rooms[roomName]
	if r == nil {
		return nil, fmt.Errorf("room %q: %w", roomName, ErrNoSuchRoom)
	}
	for _, m := range r.members {
		if m.CallID == callID {
			return m, nil
		}
	}
	return nil, fmt.Errorf("room %q, call %q: %w", roomName, callID, ErrNoSuchMember)
}
