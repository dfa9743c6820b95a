package message

import (
	"context"
	"errors"
	"fmt"
	"strings"

	gosip "github.com/emiago/sipgo/sip"

	"github.com/hookswitch/hookswitch/switch/sip"
	"github.com/hookswitch/hookswitch/switch/store"
)

// result is one contact's final answer: a status, or the error that
// stood for one.
type result struct {
	code int
	err  error
}

// deliver sends m to every contact of m.to at once, the way the call
// layer forks an INVITE: the first 2xx wins; otherwise the best failure
// once all have answered, or 408 at the deadline.
func (s *Server) deliver(m *msg) answer {
	bs := s.loc.Lookup(m.to)
	if len(bs) == 0 {
		return fail(480, "Temporarily Unavailable (not registered)")
	}
	ctx, cancel := context.WithTimeout(s.ctx, s.cfg.Timeout)
	defer cancel() // the losers' transactions end with it
	results := make(chan result, len(bs))
	for _, b := range bs {
		req, err := s.request(m, b)
		if err != nil {
			results <- result{code: 480, err: err}
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			code, err := s.send(ctx, req)
			results <- result{code: code, err: err}
		}()
	}
	codes := make([]int, 0, len(bs))
	for range bs {
		r := <-results
		if r.err != nil {
			s.log.Debug("message: delivery", "from", m.from, "to", m.to, "code", r.code, "error", r.err)
		}
		if errors.Is(r.err, errClosed) {
			return fail(503, "Service Unavailable (shutting down)")
		}
		if r.code >= 200 && r.code < 300 {
			return answer{code: r.code}
		}
		codes = append(codes, r.code)
	}
	code := bestFailure(codes)
	if code == 408 {
		return fail(408, "Request Timeout (no answer from the recipient)")
	}
	return fail(code, "")
}

// request builds the MESSAGE to one binding: From the sender's AOR, To
// the recipient's, a new Call-ID, the sender's content. It creates no
// dialog, so it has no Contact (RFC 3428 4).
func (s *Server) request(m *msg, b store.Binding) (*gosip.Request, error) {
	var ruri gosip.Uri
	if err := gosip.ParseUri(b.Contact, &ruri); err != nil {
		return nil, fmt.Errorf("message: binding contact %q: %w", b.Contact, err)
	}
	transport := b.Transport
	if transport == "" {
		transport = "udp"
	}
	host := s.stack.Host()
	req := gosip.NewRequest(gosip.MESSAGE, ruri)
	from := &gosip.FromHeader{DisplayName: m.fromName, Address: gosip.Uri{Scheme: "sip", User: m.from, Host: host}, Params: gosip.NewParams()}
	from.Params.Add("tag", sip.NewTag())
	to := &gosip.ToHeader{Address: gosip.Uri{Scheme: "sip", User: m.to, Host: host}, Params: gosip.NewParams()}
	cid := gosip.CallIDHeader(sip.NewCallID())
	mf := gosip.MaxForwardsHeader(m.hops)
	req.AppendHeader(from)
	req.AppendHeader(to)
	req.AppendHeader(&cid)
	req.AppendHeader(&gosip.CSeqHeader{SeqNo: 1, MethodName: gosip.MESSAGE})
	req.AppendHeader(&mf)
	req.AppendHeader(gosip.NewHeader("Content-Type", m.ctype))
	req.AppendHeader(gosip.NewHeader("User-Agent", "hookswitch"))
	req.SetBody(m.body)
	req.SetTransport(strings.ToUpper(transport))
	req.SetDestination(b.Source)
	return req, nil
}

// send runs one MESSAGE transaction and returns the final status. No final
// answer by ctx's deadline, or a transaction timeout, is 408; a request
// that cannot leave (a closed WebSocket, a refused connection) is 480
// unless the stack names another status.
func (s *Server) send(ctx context.Context, req *gosip.Request) (int, error) {
	res, err := s.stack.Final(ctx, req)
	var se *sip.Error
	switch {
	case err == nil:
		return res.StatusCode, nil
	case s.ctx.Err() != nil:
		return 0, errClosed
	case errors.Is(err, context.Canceled):
		return 487, err // another contact won; nobody reads this
	case errors.Is(err, context.DeadlineExceeded):
		return 408, fmt.Errorf("message: no final answer within %v", s.cfg.Timeout)
	case errors.As(err, &se):
		return se.Code, fmt.Errorf("message: %w", err)
	}
	return 480, fmt.Errorf("message: %w", err)
}

// bestFailure picks the answer for the sender when every contact refused,
// after RFC 3261 16.7 step 6: a 6xx (a global refusal) first; else the
// lowest class, 4xx before 5xx. Within 4xx, 415 comes first (the sender
// can retry in another type, 16.7), then the lowest definite refusal
// (486, 403...), then the transient 408 and 480. A 3xx is not followed
// (a redirect would hand out the recipient's contacts) and counts as 480;
// a contact's own challenge (401, 407) is not the sender's to answer and
// counts as 403. 503 becomes 500 (16.7: it would say the switch itself
// is unavailable).
func bestFailure(codes []int) int {
	best, rank := 0, 99
	for _, c := range codes {
		switch {
		case c >= 300 && c < 400:
			c = 480
		case c == 401 || c == 407:
			c = 403
		case c == 503:
			c = 500
		}
		r := 99
		switch {
		case c >= 600 && c < 700:
			r = 0
		case c == 415:
			r = 1
		case c >= 400 && c < 500 && c != 408 && c != 480:
			r = 2
		case c == 408 || c == 480:
			r = 3
		case c >= 500 && c < 600:
			r = 4
		}
		if r < rank || r == rank && c < best {
			best, rank = c, r
		}
	}
	if best == 0 {
		return 480
	}
	return best
}
