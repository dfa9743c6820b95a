package actionurl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// dest is a URL ready to be asked: parsed, printed and keyed for its breaker.
type dest struct {
	u   *url.URL
	s   string // u.String()
	key string // scheme://host/path: the breaker's key
}

func newDest(u *url.URL) *dest {
	return &dest{u: u, s: u.String(), key: u.Scheme + "://" + u.Host + u.EscapedPath()}
}

// response is a 2xx answer.
type response struct {
	status int
	body   []byte // valid only during the decode callback
	from   *dest  // the URL that answered (primary or fallback)
}

// decodeFunc turns a 2xx response into a decision; its error sends the
// request to the fallback URL but is not retried (the web app answered).
type decodeFunc func(r response) error

// ask sends p to primary with retries, then to the fallback once, calling
// decode on the first 2xx answer. It never outlives ctx.
func (e *Engine) ask(ctx context.Context, t *target, primary *dest, p payload, decode decodeFunc) error {
	err := e.askOne(ctx, t, primary, p, t.retries, decode)
	if err == nil {
		return nil
	}
	if t.fallback == nil || ctx.Err() != nil {
		return err
	}
	e.log.Debug("action url failed; asking the fallback", "hook", t.hook, "url", primary.s, "error", err)
	if ferr := e.askOne(ctx, t, t.fallback, p, 0, decode); ferr != nil {
		return fmt.Errorf("%w; fallback: %w", err, ferr)
	}
	return nil
}

// askOne tries one URL up to 1+retries times. Only network errors,
// timeouts of an attempt and 5xx answers are retried, after an exponential
// backoff with jitter, and only while the deadline leaves room.
func (e *Engine) askOne(ctx context.Context, t *target, d *dest, p payload, retries int, decode decodeFunc) error {
	for i := 0; ; i++ {
		err, retry := e.attempt(ctx, t, d, p, decode)
		if err == nil || !retry || i >= retries {
			return err
		}
		delay := e.backoffDelay(i)
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= delay {
			return err
		}
		tm := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			tm.Stop()
			return err
		case <-tm.C:
		}
	}
}

func (e *Engine) backoffDelay(i int) time.Duration {
	d := e.backoff << i
	if d > maxBackoff || d <= 0 {
		d = maxBackoff
	}
	// Jitter keeps calls that failed together from retrying together.
	return d/2 + rand.N(d/2+1)
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// attempt sends one request. It reports whether a failure may be retried.
func (e *Engine) attempt(ctx context.Context, t *target, d *dest, p payload, decode decodeFunc) (err error, retry bool) {
	b := e.breakers.get(d.key)
	if b != nil && !b.allow(e.now(), e.cooldown) {
		return fmt.Errorf("%s: %w", d.s, ErrCircuitOpen), false
	}
	res := outcomeFailed
	defer func() {
		if b == nil {
			return
		}
		if from, to := b.done(res, e.now(), e.threshold, e.cooldown); from != to && (to == stateOpen || from != stateClosed) {
			e.log.Warn("action url circuit breaker", "url", d.key, "from", from.String(), "to", to.String())
		}
	}()

	actx, cancel := context.WithTimeout(ctx, t.timeout) // also capped by ctx's deadline
	defer cancel()
	req, err := e.newRequest(actx, t, d, p)
	if err != nil {
		res = outcomeAborted
		return err, false
	}
	resp, err := e.client.Do(req)
	if err != nil {
		res = e.verdict(ctx)
		return fmt.Errorf("%s: %w", d.s, err), ctx.Err() == nil
	}
	defer resp.Body.Close()

	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 2*MaxBody { // do not keep what a bad answer grew
			bufPool.Put(buf)
		}
	}()
	_, rerr := buf.ReadFrom(io.LimitReader(resp.Body, MaxBody+1))
	switch {
	case rerr != nil:
		res = e.verdict(ctx)
		return fmt.Errorf("%s: reading the response: %w", d.s, rerr), ctx.Err() == nil
	case resp.StatusCode >= 500:
		return fmt.Errorf("%s: %w %d", d.s, ErrStatus, resp.StatusCode), ctx.Err() == nil
	}
	res = outcomeOK // the web app is up, whatever it said
	switch {
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return fmt.Errorf("%s: %w %d", d.s, ErrStatus, resp.StatusCode), false
	case buf.Len() > MaxBody:
		return fmt.Errorf("%s: %w (over %d bytes)", d.s, ErrTooLarge, MaxBody), false
	}
	if err := decode(response{status: resp.StatusCode, body: buf.Bytes(), from: d}); err != nil {
		return fmt.Errorf("%s: %w", d.s, err), false
	}
	return nil, false
}

// verdict judges a failed exchange: when our own caller gave up (the call
// ended) the web app is not to blame.
func (e *Engine) verdict(ctx context.Context) outcome {
	if errors.Is(ctx.Err(), context.Canceled) {
		return outcomeAborted
	}
	return outcomeFailed
}

func (e *Engine) newRequest(ctx context.Context, t *target, d *dest, p payload) (*http.Request, error) {
	var (
		req    *http.Request
		err    error
		signed []byte
	)
	if t.get {
		u := *d.u
		if u.RawQuery != "" {
			u.RawQuery += "&" + p.query
		} else {
			u.RawQuery = p.query
		}
		signed = []byte(u.RawQuery)
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	} else {
		signed = p.json
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, d.s, bytes.NewReader(p.json))
		if err == nil {
			req.Header["Content-Type"] = jsonType
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.s, err)
	}
	h := req.Header
	h["Accept"] = jsonType
	h["User-Agent"] = userAgent
	h[HeaderHook] = []string{string(p.hook)}
	if t.secret != "" {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		h[HeaderTimestamp] = []string{ts}
		h[HeaderSignature] = []string{Sign(t.secret, ts, signed)}
	}
	return req, nil
}

var (
	jsonType  = []string{"application/json"}
	userAgent = []string{"hookswitch/1"}
)
