package subscribe

import (
	"context"
	"errors"
	"fmt"
	"time"

	gosip "github.com/emiago/sipgo/sip"
)

// run sends the NOTIFYs a subscription owes, one transaction at a time,
// until none is owed. Each carries the state at the time it is built, so
// changes that arrive while one is in flight coalesce into the next.
func (s *Server) run(sub *subscription) {
	defer s.wg.Done()
	for {
		s.mu.Lock()
		if !sub.dirty || sub.gone || s.closed {
			sub.sending = false
			s.mu.Unlock()
			return
		}
		sub.dirty = false
		ver := sub.version
		s.mu.Unlock()

		// The body is read outside the lock: Body may hit the store.
		body, berr := sub.body(ver)

		s.mu.Lock()
		if sub.gone || s.closed {
			sub.sending = false
			s.mu.Unlock()
			return
		}
		if berr != nil {
			if errors.Is(berr, ErrNoResource) && sub.ending == "" {
				sub.ending = "noresource" // the resource went away (RFC 6665 4.2.2)
			}
			body = nil
		}
		if berr != nil && sub.ending == "" {
			// Nothing true to say: skip this NOTIFY; the next change or
			// refresh tries again.
			s.mu.Unlock()
			s.log.Warn("subscribe: notify body", "event", sub.pkg.Name(), "resource", sub.resource, "error", berr)
			continue
		}
		final := sub.ending != ""
		if body != nil {
			sub.version = ver + 1 // one sender at a time: nobody moved it
		}
		req := sub.d.notify()
		req.AppendHeader(gosip.NewHeader("Event", sub.event()))
		req.AppendHeader(gosip.NewHeader("Subscription-State", sub.state(time.Now())))
		s.mu.Unlock()

		if body != nil {
			req.AppendHeader(gosip.NewHeader("Content-Type", sub.pkg.ContentType()))
		}
		req.SetBody(body) // also Content-Length: 0 without a body, required on streams
		code, err := s.send(req)

		s.mu.Lock()
		switch {
		case errors.Is(err, errClosed):
		case final:
			s.removeLocked(sub)
		case code == 481 || code == 408:
			// The subscriber forgot the dialog or is gone (RFC 6665 4.2.2).
			s.removeLocked(sub)
			s.log.Info("subscribe: subscriber gone; subscription removed", "event", sub.pkg.Name(),
				"resource", sub.resource, "user", sub.user, "code", code, "error", err)
		case err != nil || code >= 300:
			s.log.Warn("subscribe: notify failed", "event", sub.pkg.Name(), "resource", sub.resource,
				"user", sub.user, "code", code, "error", err)
		}
		s.mu.Unlock()
	}
}

// send runs one NOTIFY transaction and returns the final status. A
// transaction timeout, or no answer within NotifyTimeout, is 408.
func (s *Server) send(req *gosip.Request) (int, error) {
	ctx, cancel := context.WithTimeout(s.ctx, s.cfg.NotifyTimeout)
	defer cancel()
	tx, err := s.stack.Request(ctx, req)
	if err != nil {
		if s.ctx.Err() != nil {
			return 0, errClosed
		}
		return 0, fmt.Errorf("notify: send: %w", err)
	}
	defer tx.Terminate()
	for {
		select {
		case r := <-tx.Responses():
			if r.StatusCode >= 200 {
				return r.StatusCode, nil
			}
		case <-tx.Done():
			// The final response may be queued behind the termination.
			select {
			case r := <-tx.Responses():
				if r.StatusCode >= 200 {
					return r.StatusCode, nil
				}
			default:
			}
			err := tx.Err()
			if errors.Is(err, gosip.ErrTransactionTimeout) {
				return 408, fmt.Errorf("notify: %w", err)
			}
			if err == nil {
				err = gosip.ErrTransactionTerminated
			}
			return 0, fmt.Errorf("notify: %w", err)
		case <-ctx.Done():
			if s.ctx.Err() != nil {
				return 0, errClosed
			}
			return 408, fmt.Errorf("notify: no final answer within %v", s.cfg.NotifyTimeout)
		}
	}
}
