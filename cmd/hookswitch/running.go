package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// runningSwitch opens the backend of a command that only the running
// switch can answer (what it keeps in memory: SIP traces, logs, live
// peaks, reloads); why says what the command needs from it.
func runningSwitch(data, cmd, why string) (*backend, error) {
	b, err := openBackend(data)
	if err != nil {
		return nil, err
	}
	if b.st != nil {
		b.close()
		return nil, fmt.Errorf("%s: needs the running switch (%s), and none holds %s: start it with 'hookswitch serve --data %s'", cmd, why, data, data)
	}
	return b, nil
}

// streamCtx GETs a stream (Server-Sent Events) over the control socket:
// no time limit but ctx's, and a 2xx answer's open body.
func (b *backend) streamCtx(ctx context.Context, path string) (*http.Response, error) {
	c := *b.http
	c.Timeout = 0
	req, err := http.NewRequestWithContext(ctx, "GET", "http://hookswitch"+path, nil)
	if err != nil {
		return nil, err
	}
	res, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("the running switch does not answer on its control socket: %w", err)
	}
	if res.StatusCode >= 300 {
		defer res.Body.Close()
		var e struct{ Error string }
		json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(&e)
		return nil, fmt.Errorf("switch: %s", e.Error)
	}
	return res, nil
}
