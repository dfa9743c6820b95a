package browser

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// DefaultTimeout bounds a scenario when Options.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// DefaultScenario opens the page and lets it report by itself.
const DefaultScenario = "scenarios/page.mjs"

// ArtifactsEnv names a directory that keeps every test's screenshots (in a
// subdirectory per test); unset, they go to a temp dir kept on failure.
const ArtifactsEnv = "HOOKSWITCH_BROWSER_ARTIFACTS"

// Options says what one browser run does.
type Options struct {
	// Scenario is the module run.mjs runs, relative to tests/browser or
	// absolute; empty means DefaultScenario.
	Scenario string
	// URL is the page (or base URL) the scenario opens.
	URL string
	// Params reaches the scenario as ctx.params, JSON-encoded.
	Params any
	// Timeout bounds the scenario in the runner; zero means DefaultTimeout.
	Timeout time.Duration
	// Artifacts is where failure screenshots go; empty means a directory
	// named by ArtifactsEnv, or a temp dir that is kept only on failure.
	Artifacts string
}

// Session is one running browser. Its events arrive while it runs; it is
// stopped and, on failure, its transcript logged when the test ends.
type Session struct {
	stdin  io.WriteCloser
	stderr lockedBuffer
	cancel context.CancelFunc

	mu      sync.Mutex
	events  []Event
	changed chan struct{} // closed and replaced on every new event

	done    chan struct{} // closed when the runner has exited
	waitErr error         // valid after done
}

// Run runs a scenario to its end and fails the test unless it succeeded.
func (e Env) Run(t testing.TB, o Options) *Result {
	t.Helper()
	s, err := e.Start(t, o)
	if err != nil {
		t.Fatal(err)
	}
	r := s.Wait()
	if !r.OK {
		t.Fatal(r.Err)
	}
	return r
}

// Start launches the runner for a scenario and returns at once.
func (e Env) Start(t testing.TB, o Options) (*Session, error) {
	t.Helper()
	if o.URL == "" {
		return nil, fmt.Errorf("start browser: no URL")
	}
	scenario := o.Scenario
	if scenario == "" {
		scenario = DefaultScenario
	}
	if !filepath.IsAbs(scenario) {
		scenario = filepath.Join(e.Dir, scenario)
	}
	if _, err := os.Stat(scenario); err != nil {
		return nil, fmt.Errorf("start browser: scenario: %w", err)
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	params := []byte("{}")
	if o.Params != nil {
		var err error
		if params, err = json.Marshal(o.Params); err != nil {
			return nil, fmt.Errorf("start browser: params: %w", err)
		}
	}
	artifacts := o.Artifacts
	if artifacts == "" {
		var err error
		if artifacts, err = artifactsDir(t); err != nil {
			return nil, fmt.Errorf("start browser: %w", err)
		}
	}

	// The runner bounds launch and scenario by timeout each, then takes up
	// to 15 s to screenshot and close; past that it is stopped from here.
	ctx, cancel := context.WithTimeout(context.Background(), 2*timeout+30*time.Second)
	cmd := e.command(ctx, e.Node, filepath.Join(e.Dir, "run.mjs"), scenario,
		"--url", o.URL,
		"--artifacts", artifacts,
		"--timeout-ms", strconv.FormatInt(timeout.Milliseconds(), 10),
		"--params", string(params),
		"--chromium", e.Chromium,
		"--exit-on-stdin-close")
	// The runner's profile dir and Chromium's temp files go under the test's
	// temp dir, so they are removed even if the runner was killed.
	cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir())
	s := &Session{cancel: cancel, changed: make(chan struct{}), done: make(chan struct{})}
	cmd.Stderr = &s.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		return nil, fmt.Errorf("start browser: %w", err)
	}
	// Kept open while the test runs: the runner stops when it closes, even
	// if this process dies without cleaning up.
	if s.stdin, err = cmd.StdinPipe(); err != nil {
		cancel()
		return nil, fmt.Errorf("start browser: %w", err)
	}
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, fmt.Errorf("start browser: %w", err)
	}
	go func() {
		readLines(stdout, MaxEventLine, s.add)
		s.waitErr = cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			t.Logf("---- browser (%s) ----\n%s---- end of browser ----", filepath.Base(scenario), s.Transcript())
		}
	})
	return s, nil
}

// command prepares a program run in tests/browser. A cancelled ctx asks it
// to stop (SIGTERM: the runner closes the browser) before killing it.
func (e Env) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = e.Dir
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 15 * time.Second
	return cmd
}

func (s *Session) add(line []byte) {
	ev, err := ParseEvent(line)
	if err != nil {
		ev = Event{Type: EventStdout, Text: string(line)}
	}
	s.mu.Lock()
	s.events = append(s.events, ev)
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

// WaitResult waits until the scenario reports the named result and returns
// its value; it fails when the run ends without it or ctx is done.
func (s *Session) WaitResult(ctx context.Context, name string) (json.RawMessage, error) {
	for {
		s.mu.Lock()
		for _, ev := range s.events {
			if ev.Type == EventResult && ev.Name == name {
				s.mu.Unlock()
				return ev.Value, nil
			}
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-s.done:
			// Every line is read before done closes: one last look.
			s.mu.Lock()
			for _, ev := range s.events {
				if ev.Type == EventResult && ev.Name == name {
					s.mu.Unlock()
					return ev.Value, nil
				}
			}
			s.mu.Unlock()
			return nil, fmt.Errorf("%w %q: %w", ErrNoResult, name, s.Wait().Err)
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for result %q: %w", name, ctx.Err())
		}
	}
}

// Wait waits until the runner exits and returns what it reported.
func (s *Session) Wait() *Result {
	<-s.done
	s.mu.Lock()
	r := &Result{Events: append([]Event(nil), s.events...)}
	s.mu.Unlock()
	var last Event
	if n := len(r.Events); n > 0 {
		last = r.Events[n-1]
	}
	r.OK = s.waitErr == nil && last.Type == EventDone && last.OK
	if !r.OK {
		var why []string
		for _, ev := range r.Events {
			if ev.Type == EventError || ev.Type == EventPageError {
				why = append(why, ev.Text)
			}
		}
		if len(why) == 0 {
			why = append(why, "runner ended without a successful done event")
		}
		if stderr := strings.TrimSpace(s.stderr.String()); stderr != "" && s.waitErr != nil {
			why = append(why, "stderr: "+stderr)
		}
		r.Err = fmt.Errorf("%w: %s (runner exit: %v)", ErrScenario, strings.Join(why, "; "), s.waitErr)
	}
	return r
}

// Stop ends the run: the runner sees its stdin close and closes the
// browser; it waits for the runner to exit.
func (s *Session) Stop() {
	_ = s.stdin.Close()
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		s.cancel() // SIGTERM, then SIGKILL after the command's WaitDelay
		<-s.done
	}
	s.cancel()
}

// Transcript renders every event and the runner's stderr, for a test log.
func (s *Session) Transcript() string {
	var b strings.Builder
	s.mu.Lock()
	for _, ev := range s.events {
		b.WriteString(ev.String())
		b.WriteByte('\n')
	}
	s.mu.Unlock()
	if stderr := s.stderr.String(); stderr != "" {
		b.WriteString("stderr:\n")
		b.WriteString(stderr)
		if !strings.HasSuffix(stderr, "\n") {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// readLines calls fn for each non-empty line of r without its newline. A line longer
// than max is reported as a short note instead, and reading goes on, so
// the runner never blocks on a full pipe.
func readLines(r io.Reader, max int, fn func([]byte)) {
	br := bufio.NewReaderSize(r, 64<<10)
	var line []byte
	dropped := 0
	for {
		chunk, err := br.ReadSlice('\n')
		switch {
		case dropped > 0:
			dropped += len(chunk)
		case len(line)+len(chunk) > max+1: // +1: the newline
			dropped = len(line) + len(chunk)
			line = line[:0]
		default:
			line = append(line, chunk...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if dropped > 0 {
			fn([]byte(fmt.Sprintf("(dropped a line of %d bytes)", dropped)))
			dropped = 0
		} else if l := bytes.TrimSuffix(line, []byte("\n")); len(l) > 0 {
			fn(l)
		}
		line = line[:0]
		if err != nil {
			return
		}
	}
}

// artifactsDir makes the directory for a test's screenshots.
func artifactsDir(t testing.TB) (string, error) {
	name := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ' ' || r == os.PathSeparator {
			return '_'
		}
		return r
	}, t.Name())
	if parent := os.Getenv(ArtifactsEnv); parent != "" {
		dir := filepath.Join(parent, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", fmt.Errorf("artifacts: %w", err)
		}
		return dir, nil
	}
	dir, err := os.MkdirTemp("", "hookswitch-browser-"+name+"-")
	if err != nil {
		return "", fmt.Errorf("artifacts: %w", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("browser artifacts kept in %s", dir)
			return
		}
		_ = os.RemoveAll(dir)
	})
	return dir, nil
}

// lockedBuffer collects a child's stderr; written by exec's copier
// goroutine while the test may read it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
