package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"
)

// logBuffer collects a child's output; safe for the exec copier goroutine
// and the test reading it at once.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// proc is a child process owned by one test: its output is kept for the
// failure log and t.Cleanup kills it whatever happens.
type proc struct {
	name string
	cmd  *exec.Cmd
	out  *logBuffer
	done chan struct{}
	err  error // valid after done is closed
}

// startProc starts name with args. The child is killed by t.Cleanup, and
// its output is logged when the test failed.
func startProc(t *testing.T, label string, stdin *os.File, name string, args ...string) *proc {
	t.Helper()
	p := &proc{name: label, out: &logBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(name, args...)
	p.cmd.Stdout = p.out
	p.cmd.Stderr = p.out
	p.cmd.Stdin = stdin
	p.cmd.WaitDelay = 2 * time.Second
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", label, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop(syscall.SIGKILL, 5*time.Second)
		if t.Failed() {
			t.Logf("---- %s output ----\n%s\n---- end of %s (exit: %v) ----", label, p.out.String(), label, p.err)
		}
	})
	return p
}

// exited reports whether the process has ended.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends sig and waits up to grace, then kills. It returns true when
// the process ended on sig alone.
func (p *proc) stop(sig os.Signal, grace time.Duration) bool {
	if p.exited() {
		return true
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
		return true
	case <-time.After(grace):
	}
	_ = p.cmd.Process.Kill()
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
	}
	return false
}

// waitOutput waits until the output matches re, the process exits or the
// timeout passes.
func (p *proc) waitOutput(re *regexp.Regexp, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		if re.MatchString(p.out.String()) {
			return nil
		}
		if p.exited() {
			return fmt.Errorf("%s exited (%v) before its output matched %q", p.name, p.err, re)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: output did not match %q within %v", p.name, re, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// runCmd runs a short command to completion within timeout and returns
// its standard output; the error carries its standard error.
func runCmd(timeout time.Duration, dir, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.WaitDelay = 2 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("%s %v: %w\n%s", name, args, err, stderr.String())
	}
	return string(out), nil
}
