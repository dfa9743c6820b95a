package call

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/hookswitch/hookswitch/prompts"
	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/media"
	"github.com/hookswitch/hookswitch/switch/queue"
	"github.com/hookswitch/hookswitch/switch/store"
)

// Queues is the call-queue engine (switch/queue) as calls drive it.
type Queues interface {
	Join(queue, callID, caller string, priority int) (*queue.Ticket, error)
	AgentDone(queue, agent string)
}

// holdTimeAfter is how long a caller waits before hearing how long it has
// waited (seed 004: not in the first minute).
const holdTimeAfter = time.Minute

// Queue puts the caller in a call queue: it hears the queue's intro, then
// music, with its position and periodic prompts in between, while the
// queue engine picks agents to ring. The first agent to answer gets the
// call; the result comes back when that call ends or the queue gives up.
func (p *programCall) Queue(ctx context.Context, s hook.QueueSpec) (hook.QueueResult, error) {
	c := p.c
	if p.gone() {
		return hook.QueueResult{Reason: hook.QueueHangup, HungUp: true}, hook.ErrHungUp
	}
	qs := c.m.cfg.Queues
	if qs == nil {
		return hook.QueueResult{}, fmt.Errorf("queue %s: %w: no queue engine", s.Queue, hook.ErrNotAvailable)
	}
	if ok, err := c.reaches(s.Queue); err != nil {
		return hook.QueueResult{}, fmt.Errorf("queue %s: %w", s.Queue, err)
	} else if !ok {
		return hook.QueueResult{Reason: hook.QueueNotFound}, nil // another tenant's (tenant.go)
	}
	t, err := qs.Join(s.Queue, c.cdr.CallID, c.routeInfo().From, s.Priority)
	switch {
	case errors.Is(err, queue.ErrNotFound):
		return hook.QueueResult{Reason: hook.QueueNotFound}, nil
	case errors.Is(err, queue.ErrFull):
		return hook.QueueResult{Reason: hook.QueueFull}, nil
	case errors.Is(err, queue.ErrEmpty):
		return hook.QueueResult{Reason: hook.QueueEmpty}, nil
	case err != nil:
		return hook.QueueResult{}, fmt.Errorf("queue %s: %w", s.Queue, err)
	}
	w := &queueWait{p: p, t: t, q: t.Config(), res: hook.QueueResult{Position: t.Position(), Reason: hook.QueueHangup}}
	defer func() { t.Leave(w.res.Reason) }()
	err = w.run(ctx)
	w.res.HungUp = p.gone()
	if w.res.Reason != hook.QueueAnswered {
		w.res.Waited = t.Waited()
	}
	if errors.Is(err, hook.ErrHungUp) {
		w.res.Reason = hook.QueueHangup
		if w.res.Agent != "" {
			w.res.Reason = hook.QueueAnswered
		}
		return w.res, nil // a hang-up is a result here, as for Record
	}
	return w.res, err
}

// queueWait is one caller's stay in a queue.
type queueWait struct {
	p     *programCall
	t     *queue.Ticket
	q     store.Queue
	ep    *media.Endpoint
	music media.Source // kept, so the music resumes where it was after an announcement
	res   hook.QueueResult
}

func (w *queueWait) run(ctx context.Context) error {
	p, c := w.p, w.p.c
	c.mu.Lock()
	answered := c.answered
	c.mu.Unlock()
	if !answered {
		if err := p.Answer(ctx); err != nil {
			return err
		}
	}
	ep, err := c.endpoint()
	if err != nil {
		return err
	}
	w.ep = ep
	if w.q.Intro != "" {
		if err := p.Play(ctx, hook.PlaySpec{File: w.q.Intro}); err != nil && !errors.Is(err, hook.ErrHungUp) {
			c.m.log.Warn("queue intro", "queue", w.q.Number, "error", err)
		} else if err != nil {
			return err
		}
	}
	w.music = w.musicSource()
	ep.Play(w.music)
	// Next also ends when the caller hangs up.
	qctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		select {
		case <-c.done:
			stop()
		case <-qctx.Done():
		}
	}()
	start := time.Now()
	announce, periodic := every(w.q.AnnounceFrequency, start), every(w.q.PeriodicFrequency, start)
	for {
		wctx, cancel := qctx, context.CancelFunc(func() {})
		if at := earliest(announce, periodic); !at.IsZero() {
			wctx, cancel = context.WithDeadline(qctx, at)
		}
		agents, err := w.t.Next(wctx)
		cancel()
		switch {
		case p.gone():
			return hook.ErrHungUp
		case err == nil:
			if done, err := w.ring(qctx, agents); done || err != nil {
				return err
			}
		case errors.Is(err, queue.ErrTimeout):
			w.res.Reason = hook.QueueTimeout
			return nil
		case errors.Is(err, queue.ErrEmpty):
			w.res.Reason = hook.QueueEmpty
			return nil
		case errors.Is(err, context.DeadlineExceeded) && qctx.Err() == nil:
			now := time.Now()
			var files []string
			if !announce.IsZero() && !now.Before(announce) {
				files = append(files, w.position(now.Sub(start))...)
				announce = every(w.q.AnnounceFrequency, now)
			}
			if !periodic.IsZero() && !now.Before(periodic) {
				files = append(files, cmp.Or(w.q.PeriodicPrompt, "queue/periodic"))
				periodic = every(w.q.PeriodicFrequency, now)
			}
			if err := w.say(qctx, files); err != nil {
				return err
			}
		default:
			return fmt.Errorf("queue %s: %w", w.q.Number, err)
		}
	}
}

// ring offers the call to agents. done is true when an agent answered
// (the call has ended since); false when none did, and the caller waits on.
func (w *queueWait) ring(ctx context.Context, agents []string) (done bool, err error) {
	p, c := w.p, w.p.c
	name := c.cdr.CallerName
	if name == "" {
		name = c.routeInfo().From
	}
	if w.q.CallerIDPrefix != "" {
		name = w.q.CallerIDPrefix + name
	}
	timeout := time.Duration(w.q.AgentTimeout) * time.Second
	r, err := p.bridge(ctx, hook.BridgeSpec{Targets: agents, Mode: hook.ModeParallel, Timeout: timeout}, bridgeOpts{
		name: name,
		answered: func(agent string) {
			w.t.Answered(agent)
			w.res.Reason, w.res.Agent, w.res.Waited = hook.QueueAnswered, agent, w.t.Waited()
			go c.tellAgent(agent)
		},
	})
	if w.res.Agent != "" {
		w.res.Talk = r.Talk
		c.m.cfg.Queues.AgentDone(w.q.Number, w.res.Agent)
		return true, err
	}
	w.t.Missed(agents)
	if err != nil {
		return true, err
	}
	// The caller heard music while they rang; it waits a little before
	// the next round (the queue's retry).
	if retry := time.Duration(w.q.Retry) * time.Second; retry > 0 {
		if err := p.Sleep(ctx, retry); err != nil {
			return true, err
		}
	}
	return false, nil
}

// position is the announcement of the caller's place, and of how long it
// has waited once that is over a minute.
func (w *queueWait) position(waited time.Duration) []string {
	var files []string
	if w.q.AnnouncePosition {
		if n := w.t.Position(); n <= 1 {
			files = append(files, "queue/next")
		} else {
			files = append(files, "queue/position")
			files = append(files, prompts.Number(n)...)
			files = append(files, "queue/in_line")
		}
	}
	if w.q.AnnounceHoldTime && waited >= holdTimeAfter {
		m := int(waited / time.Minute)
		files = append(files, "queue/waited")
		files = append(files, prompts.Number(m)...)
		if m == 1 {
			files = append(files, "time/minute")
		} else {
			files = append(files, "time/minutes")
		}
	}
	return files
}

// say interrupts the music with prompts, then resumes it.
func (w *queueWait) say(ctx context.Context, files []string) error {
	if len(files) == 0 {
		return nil
	}
	c := w.p.c
	src, err := c.m.sequenceIn(c.language(), files)
	if err != nil {
		c.m.log.Warn("queue announcement", "queue", w.q.Number, "error", err)
		return nil
	}
	w.ep.Stop()
	err = w.p.wait(ctx, w.ep.Play(src))
	w.ep.Stop()
	if err != nil {
		return err
	}
	w.ep.Play(w.music)
	return nil
}

// musicSource is the queue's music class, else the switch's, else
// ringback: a caller must hear that it is still connected.
func (w *queueWait) musicSource() media.Source {
	m := w.p.c.m
	class := w.q.Music
	if class == "" {
		class = m.cfg.MusicOnHold
	}
	if m.audio != nil && class != "none" {
		if tracks, err := m.audio.Music(class); err == nil {
			return media.NewPlaylist(tracks, m.cfg.MusicShuffle)
		} else {
			m.log.Warn("queue music unavailable", "queue", w.q.Number, "class", class, "error", err)
		}
	}
	src, err := m.source(hook.PlaySpec{Tone: "ringback"})
	if err != nil {
		return media.NewSilence(math.MaxInt32)
	}
	return src
}

// every is the next time something repeating each seconds is due after
// from; zero when it never is.
func every(seconds int, from time.Time) time.Time {
	if seconds <= 0 {
		return time.Time{}
	}
	return from.Add(time.Duration(seconds) * time.Second)
}

// earliest of two times, the zero time meaning never.
func earliest(a, b time.Time) time.Time {
	switch {
	case a.IsZero():
		return b
	case b.IsZero() || a.Before(b):
		return a
	}
	return b
}
