package sip

import (
	"context"
	"errors"

	gosip "github.com/emiago/sipgo/sip"
)

// Final sends req in a new client transaction and waits for its final
// response. Errors: the request could not leave (as Request returns it);
// a transaction timeout, as an *Error with code 408; a transaction that
// ended without a final response (gosip.ErrTransactionTerminated); or
// ctx's error.
func (s *Stack) Final(ctx context.Context, req *gosip.Request) (*gosip.Response, error) {
	tx, err := s.Request(ctx, req)
	if err != nil {
		return nil, err
	}
	defer tx.Terminate()
	for {
		select {
		case r := <-tx.Responses():
			if r.StatusCode >= 200 {
				return r, nil
			}
		case <-tx.Done():
			// The final response may be queued behind the termination.
			select {
			case r := <-tx.Responses():
				if r.StatusCode >= 200 {
					return r, nil
				}
			default:
			}
			err := tx.Err()
			if errors.Is(err, gosip.ErrTransactionTimeout) {
				return nil, &Error{Code: 408, Err: err}
			}
			if err == nil {
				err = gosip.ErrTransactionTerminated
			}
			return nil, err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
