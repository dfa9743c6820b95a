package main

import (
	"context"
	"time"

	"github.com/hookswitch/hookswitch/switch/call"
	"github.com/hookswitch/hookswitch/web"
)

// regSampleEvery is how often the registrations are counted for the
// hourly statistics: a count has no events to hook.
const regSampleEvery = time.Minute

// PeakCalls gives the statistics the call manager's peaks (web.PeakSource).
func (l live) PeakCalls(now time.Time, hours int) []call.HourPeak {
	return l.s.Calls.PeakCalls(now, hours)
}

// startRegSampler counts the registrations every regSampleEvery until
// the returned stop is called.
func startRegSampler(l live) (*web.HourSampler, func()) {
	s := &web.HourSampler{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx, regSampleEvery, func() int { return len(l.s.Registrar.All()) })
	}()
	return s, func() { cancel(); <-done }
}
