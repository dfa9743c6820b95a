package ua

import (
	"context"
	"errors"
	"fmt"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/trunk"
)

// maxAuthRounds bounds the challenges one request answers: the first, and
// one more for a stale nonce.
const maxAuthRounds = 2

// route points req at the switch, from our socket.
func (s *Stack) route(req *gosip.Request) {
	req.SetTransport("UDP")
	req.SetDestination(s.cfg.Server.String())
	if req.GetHeader("User-Agent") == nil {
		req.AppendHeader(gosip.NewHeader("User-Agent", s.cfg.UserAgent))
	}
	if req.Body() == nil {
		req.SetBody(nil) // Content-Length: 0
	}
}

// start sends req in a new client transaction (sipgo adds the Via).
func (s *Stack) start(ctx context.Context, req *gosip.Request) (gosip.ClientTransaction, error) {
	if err := s.ctx.Err(); err != nil {
		return nil, ErrClosed
	}
	s.route(req)
	tx, err := s.sip.Request(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("%w: %s to %s: %w", ErrTransport, req.Method, s.cfg.Server, err)
	}
	return tx, nil
}

// write sends req outside a transaction (an ACK to a 2xx).
func (s *Stack) write(req *gosip.Request) error {
	s.route(req)
	if err := s.sip.Write(req); err != nil {
		return fmt.Errorf("%w: %s to %s: %w", ErrTransport, req.Method, s.cfg.Server, err)
	}
	return nil
}

// final waits for the final response of a non-INVITE transaction.
func (s *Stack) final(ctx context.Context, tx gosip.ClientTransaction, method gosip.RequestMethod) (*gosip.Response, error) {
	defer tx.Terminate()
	for {
		select {
		case res := <-tx.Responses():
			if res != nil && !res.IsProvisional() {
				return res, nil
			}
		case <-tx.Done():
			return nil, txError(tx, method)
		case <-ctx.Done():
			return nil, fmt.Errorf("%s: %w", method, ctx.Err())
		case <-s.ctx.Done():
			return nil, ErrClosed
		}
	}
}

// txError classifies a transaction that ended without a final response.
func txError(tx gosip.ClientTransaction, method gosip.RequestMethod) error {
	err := tx.Err()
	if err == nil || errors.Is(err, gosip.ErrTransactionTimeout) {
		return fmt.Errorf("%w to %s", ErrTimeout, method)
	}
	return fmt.Errorf("%w: %s: %w", ErrTransport, method, err)
}

// do sends the request build returns and answers the switch's digest
// challenges with user and password, each time with a new request from
// build (RFC 3261 22.2: same Call-ID, next CSeq). It returns the final
// response, which may still be a 401 or 407 when the password is wrong.
func (s *Stack) do(ctx context.Context, build func() *gosip.Request, user, password string) (*gosip.Response, error) {
	req := build()
	for round := 0; ; round++ {
		tx, err := s.start(ctx, req)
		if err != nil {
			return nil, err
		}
		res, err := s.final(ctx, tx, req.Method)
		if err != nil {
			return nil, err
		}
		if (res.StatusCode != 401 && res.StatusCode != 407) || round == maxAuthRounds || password == "" {
			return res, nil
		}
		name, value, err := trunk.Answer(res, req, user, password, "")
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrAuth, err)
		}
		req = build()
		req.AppendHeader(gosip.NewHeader(name, value))
	}
}

// refused is the error for a final response other than 2xx.
func refused(method gosip.RequestMethod, res *gosip.Response) error {
	return &StatusError{Method: string(method), Code: res.StatusCode, Reason: clip(res.Reason)}
}
