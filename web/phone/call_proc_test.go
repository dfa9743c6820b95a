package phone

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

// callProc is a child process of a call test (the switch, baresip): its
// output is kept for the failure log and t.Cleanup kills it whatever
// happens. A copy of tests/browser's callProc (a test file there).
type callProc struct {
	name string
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{}
	err  error // valid after done is closed
}

// startCallProc starts a program; t's end kills it and, when t failed,
// logs its output.
func startCallProc(t *testing.T, label string, stdin *os.File, name string, args ...string) *callProc {
	t.Helper()
	p := &callProc{name: label, out: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(name, args...)
	p.cmd.Stdout, p.cmd.Stderr, p.cmd.Stdin = p.out, p.out, stdin
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

func (p *callProc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends sig and waits up to grace, then kills; true when sig alone
// ended the process.
func (p *callProc) stop(sig os.Signal, grace time.Duration) bool {
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

// waitOutput waits until the output matches re, the process exits or
// timeout passes.
func (p *callProc) waitOutput(re *regexp.Regexp, timeout time.Duration) error {
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

// runCallCmd runs a short command to its end within timeout and returns
// its standard output; the error carries its standard error.
func runCallCmd(timeout time.Duration, dir, name string, args ...string) (string, error) {
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

// lockedBuffer collects a child's output; written by exec's copier
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
