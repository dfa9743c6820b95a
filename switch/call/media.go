package call

import (
	"fmt"
	"strings"
	"time"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/media"
	"github.com/hookswitch/hookswitch/switch/media/dtmf"
	"github.com/hookswitch/hookswitch/switch/media/tone"
	"github.com/hookswitch/hookswitch/switch/sip"
)

// Audio is where programs' sounds come from and where recordings go.
type Audio interface {
	// Load returns the 8 kHz PCM of a sound named by a program: a prompt
	// ("ivr/welcome") or a token ("rec:ID", "vm:BOX/ID", "vmg:BOX/KIND").
	Load(name string) ([]int16, error)
	// Music returns the tracks of a music-on-hold class.
	Music(class string) ([][]int16, error)
	// CreateRecording reserves a file for a new recording and returns its
	// token and path; FinishRecording indexes it, AbortRecording drops it.
	CreateRecording(r RecordingInfo) (token, path string, err error)
	FinishRecording(token string, d time.Duration) error
	AbortRecording(token string)
}

// RecordingInfo describes a recording about to start.
type RecordingInfo struct {
	CallID, Kind, From, To string
	Channels               int
}

// Rooms runs conferences.
type Rooms interface {
	Join(ep *media.Endpoint, s hook.ConferenceSpec, m Member) (hook.ConferenceResult, error)
}

// Member is who joins a room.
type Member struct {
	CallID, Number, Name string
	Gone                 <-chan struct{} // closed when the caller hangs up
}

// g711Of returns the first PCMU or PCMA codec of an SDP: what a leg the
// switch terminates speaks (the answer we send keeps only that one).
func g711Of(s *media.SDP) (media.Codec, bool) {
	if s == nil {
		return media.Codec{}, false
	}
	for _, c := range s.Audio().Codecs {
		if strings.EqualFold(c.Name, "PCMU") || strings.EqualFold(c.Name, "PCMA") {
			return c, true
		}
	}
	return media.Codec{}, false
}

// terminate makes the switch the end of l's media.
func (c *Call) terminate(l *leg) (*media.Endpoint, error) {
	remote := l.remote.Load()
	codec, ok := g711Of(remote)
	if !ok {
		return nil, fmt.Errorf("terminate media: %w", media.ErrNotG711)
	}
	return c.m.media.Terminate(l.media, media.EndpointOptions{Codec: codec, DTMFPT: remote.Audio().TelephoneEventPT})
}

// endpoint returns the caller's terminated media, starting it on first
// use: a program's prompts, digits and recordings go through it.
func (c *Call) endpoint() (*media.Endpoint, error) {
	c.mu.Lock()
	ep, answered, ended := c.ep, c.answered, c.ended
	c.mu.Unlock()
	switch {
	case ended:
		return nil, hook.ErrHungUp
	case !answered:
		return nil, fmt.Errorf("media: %w: answer the call first", hook.ErrState)
	case ep != nil:
		return ep, nil
	}
	// The program hears the caller's digits now, not the bridge's
	// feature codes.
	c.a.media.OnDigit(nil)
	ep, err := c.terminate(c.a)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ended || c.ep != nil { // ended meanwhile, or another primitive raced us
		ep.Close()
		if c.ended {
			return nil, hook.ErrHungUp
		}
		return c.ep, nil
	}
	c.ep = ep
	return ep, nil
}

// dropEndpoint gives the caller's media back to the relay (a bridge).
func (c *Call) dropEndpoint() {
	c.mu.Lock()
	ep := c.ep
	c.ep = nil
	c.mu.Unlock()
	if ep != nil {
		ep.Close()
	}
}

// source builds what a PlaySpec plays.
func (m *Manager) source(s hook.PlaySpec) (media.Source, error) { return m.sourceIn("", s) }

// sourceIn builds what a PlaySpec plays to a caller of language lang.
func (m *Manager) sourceIn(lang string, s hook.PlaySpec) (media.Source, error) {
	var src media.Source
	switch {
	case s.Tone != "":
		t, err := m.tone(s.Tone)
		if err != nil {
			return nil, err
		}
		src = tone.NewGenerator(t, 8000)
	case m.audio == nil:
		return nil, fmt.Errorf("play %s: %w: no audio library", s.File, hook.ErrNotAvailable)
	default:
		pcm, err := m.load(lang, s.File)
		if err != nil {
			return nil, fmt.Errorf("play: %w", err)
		}
		src = media.NewClip(pcm, max(s.Loops, 1))
	}
	if s.Duration > 0 {
		src = &limited{Source: src, left: int(s.Duration / (time.Second / 8000))}
	}
	return src, nil
}

// sequence plays files one after another.
func (m *Manager) sequence(files []string) (media.Source, error) { return m.sequenceIn("", files) }

// sequenceIn plays files one after another to a caller of language lang.
func (m *Manager) sequenceIn(lang string, files []string) (media.Source, error) {
	if m.audio == nil {
		return nil, fmt.Errorf("play: %w: no audio library", hook.ErrNotAvailable)
	}
	clips := make([][]int16, 0, len(files))
	for _, f := range files {
		pcm, err := m.load(lang, f)
		if err != nil {
			return nil, fmt.Errorf("play: %w", err)
		}
		clips = append(clips, pcm)
	}
	return media.NewSequence(clips), nil
}

// tone resolves a tone name of the configured country, or a tone spec.
func (m *Manager) tone(name string) (tone.Tone, error) {
	if t, err := tone.Lookup(m.cfg.ToneCountry, name); err == nil {
		return t, nil
	}
	t, err := tone.Parse(name)
	if err != nil {
		return tone.Tone{}, fmt.Errorf("tone %q: neither a %s tone name nor a tone spec: %w", name, m.cfg.ToneCountry, err)
	}
	return t, nil
}

// limited cuts a source after left samples.
type limited struct {
	media.Source
	left int
}

func (l *limited) Read(dst []int16) int {
	if l.left <= 0 {
		return 0
	}
	n := l.Source.Read(dst[:min(len(dst), l.left)])
	l.left -= n
	return n
}

// infoDigit takes a SIP INFO DTMF digit for the caller's terminated media
// (a program collecting digits) and answers it; false when the INFO is
// not for the switch itself (it is then relayed to the other party).
func (c *Call) infoDigit(l *leg, req *gosip.Request, tx gosip.ServerTransaction) bool {
	c.mu.Lock()
	ep := c.ep
	mine := l == c.a && ep != nil
	c.mu.Unlock()
	if !mine {
		return false
	}
	ct := ""
	if h := req.ContentType(); h != nil {
		ct = h.Value()
	}
	d, _, err := dtmf.ParseInfo(ct, req.Body())
	if err != nil {
		sip.Respond(tx, req, 415, "Unsupported Media Type (want application/dtmf-relay or application/dtmf)", nil,
			gosip.NewHeader("Accept", "application/dtmf-relay, application/dtmf"))
		return true
	}
	ep.PushDigit(d)
	sip.Respond(tx, req, 200, "", nil)
	return true
}
