package call

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
	"github.com/hookswitch/hookswitch/switch/media"
)

// Defaults of the media primitives.
const (
	firstDigitTimeout = 5 * time.Second
	interDigitTimeout = 3 * time.Second
	maxRecording      = time.Hour
)

// wait blocks until done closes, the caller hangs up or ctx ends.
func (p *programCall) wait(ctx context.Context, done <-chan struct{}) error {
	select {
	case <-done:
		if p.gone() {
			return hook.ErrHungUp
		}
		return nil
	case <-p.c.done:
		return hook.ErrHungUp
	case <-ctx.Done():
		return hook.ErrHungUp
	}
}

func (p *programCall) Play(ctx context.Context, s hook.PlaySpec) error {
	ep, err := p.c.endpoint()
	if err != nil {
		return err
	}
	src, err := p.c.m.sourceIn(p.c.language(), s)
	if err != nil {
		return err
	}
	err = p.wait(ctx, ep.Play(src))
	ep.Stop()
	return err
}

func (p *programCall) Collect(ctx context.Context, s hook.CollectSpec) (string, error) {
	ep, err := p.c.endpoint()
	if err != nil {
		return "", err
	}
	var prompt <-chan struct{}
	if len(s.Prompt) > 0 {
		src, err := p.c.m.sequenceIn(p.c.language(), s.Prompt)
		if err != nil {
			return "", err
		}
		if s.Flush {
			ep.FlushDigits()
		}
		prompt = ep.Play(src)
	} else if s.Flush {
		ep.FlushDigits()
	}
	defer ep.Stop()
	first, gap := s.Timeout, s.InterDigit
	if first <= 0 {
		first = firstDigitTimeout
	}
	if gap <= 0 {
		gap = interDigitTimeout
	}
	max := max(s.Max, 1)
	var timer <-chan time.Time
	if prompt == nil {
		timer = time.After(first)
	}
	var digits []byte
	for {
		select {
		case d := <-ep.Digits():
			if prompt != nil {
				ep.Stop() // barge-in
				prompt = nil
			}
			if s.Terminator != "" && strings.IndexByte(s.Terminator, d) >= 0 {
				return string(digits), nil
			}
			digits = append(digits, d)
			if len(digits) >= max {
				return string(digits), nil
			}
			timer = time.After(gap)
		case <-prompt:
			prompt = nil
			timer = time.After(first)
		case <-timer:
			return string(digits), nil
		case <-p.c.done:
			return string(digits), hook.ErrHungUp
		case <-ctx.Done():
			return string(digits), hook.ErrHungUp
		}
	}
}

func (p *programCall) Record(ctx context.Context, s hook.RecordSpec) (hook.RecordResult, error) {
	c := p.c
	ep, err := c.endpoint()
	if err != nil {
		return hook.RecordResult{}, err
	}
	if c.m.audio == nil {
		return hook.RecordResult{}, fmt.Errorf("record: %w: no audio library", hook.ErrNotAvailable)
	}
	if s.Beep {
		if err := p.Play(ctx, hook.PlaySpec{Tone: "beep"}); err != nil {
			return hook.RecordResult{}, err
		}
	}
	info := c.routeInfo()
	token, path, err := c.m.audio.CreateRecording(RecordingInfo{CallID: c.cdr.CallID, Kind: "program", From: info.From, To: info.To, Channels: 1})
	if err != nil {
		return hook.RecordResult{}, fmt.Errorf("record: %w", err)
	}
	rec, err := media.NewRecorder(path, 1)
	if err != nil {
		c.m.audio.AbortRecording(token)
		return hook.RecordResult{}, fmt.Errorf("record: %w", err)
	}
	ep.AddRecorder(rec)
	res := p.recordUntil(ctx, ep, rec, s)
	ep.RemoveRecorder(rec)
	d, err := rec.Close()
	if err == nil {
		err = c.m.audio.FinishRecording(token, d)
	}
	if err != nil {
		c.m.audio.AbortRecording(token)
		return hook.RecordResult{}, fmt.Errorf("record: %w", err)
	}
	res.File, res.Duration = token, d
	return res, nil
}

// recordUntil waits for what ends a recording.
func (p *programCall) recordUntil(ctx context.Context, ep *media.Endpoint, rec *media.Recorder, s hook.RecordSpec) hook.RecordResult {
	limit := s.MaxDuration
	if limit <= 0 {
		limit = maxRecording
	}
	end := time.NewTimer(limit)
	defer end.Stop()
	var check <-chan time.Time
	if s.Silence > 0 {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		check = t.C
	}
	for {
		select {
		case d := <-ep.Digits():
			if s.Terminator != "" && strings.IndexByte(s.Terminator, d) >= 0 {
				return hook.RecordResult{Reason: "terminator", Digit: string(d)}
			}
		case <-end.C:
			return hook.RecordResult{Reason: "max"}
		case <-check:
			if rec.Quiet() >= s.Silence {
				return hook.RecordResult{Reason: "silence"}
			}
		case <-p.c.done:
			return hook.RecordResult{Reason: "hangup", HungUp: true}
		case <-ctx.Done():
			return hook.RecordResult{Reason: "hangup", HungUp: true}
		}
	}
}

func (p *programCall) SendDigits(ctx context.Context, digits string) error {
	ep, err := p.c.endpoint()
	if err != nil {
		return err
	}
	if err := ep.SendDigits(digits); err != nil {
		return fmt.Errorf("send digits: %w", err)
	}
	// Each digit takes its tone and a gap; return when they are out.
	return p.Sleep(ctx, time.Duration(len(digits))*160*time.Millisecond+40*time.Millisecond)
}

func (p *programCall) Conference(ctx context.Context, s hook.ConferenceSpec) (hook.ConferenceResult, error) {
	c := p.c
	if c.m.rooms == nil {
		return hook.ConferenceResult{}, fmt.Errorf("conference: %w", hook.ErrNotAvailable)
	}
	ep, err := c.endpoint()
	if err != nil {
		return hook.ConferenceResult{}, err
	}
	res, err := c.m.rooms.Join(ep, s, Member{CallID: c.cdr.CallID, Number: c.routeInfo().From, Name: c.cdr.CallerName, Gone: c.done})
	if err != nil {
		return res, fmt.Errorf("conference %s: %w", s.Room, err)
	}
	// Like a recording, a stay ended by hanging up is a result, so the
	// program can still tidy up (a member's recorded name).
	if p.gone() {
		res.HungUp = true
	}
	return res, nil
}
