package browser

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"syscall"
	"testing"
	"time"
)

// Proc is a child process of a call test (the switch, baresip): its output
// is kept for the failure log and the test's cleanup kills it whatever
// happens. tests/e2e and the web packages' baresip tests use it too.
type Proc struct {
	Name string // label in logs and errors
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{}
	err  error // valid after done is closed
}

// StartProc starts a program; t's end kills it and, when t failed, logs
// its output.
func StartProc(t testing.TB, label string, stdin *os.File, name string, args ...string) *Proc {
	t.Helper()
	p := &Proc{Name: label, out: &lockedBuffer{}, done: make(chan struct{})}
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
		p.Stop(syscall.SIGKILL, 5*time.Second)
		if t.Failed() {
			t.Logf("---- %s output ----\n%s\n---- end of %s (exit: %v) ----", label, p.Output(), label, p.Err())
		}
	})
	return p
}

// Output returns everything the process wrote to stdout and stderr so far.
func (p *Proc) Output() string { return p.out.String() }

// Note appends a line of the test's own to the output, so the failure log
// shows it in order with what the process wrote.
func (p *Proc) Note(line string) { _, _ = p.out.Write([]byte("\n" + line + "\n")) }

// Exited reports whether the process has ended.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Err returns how the process ended; nil while it runs.
func (p *Proc) Err() error {
	if !p.Exited() {
		return nil
	}
	return p.err
}

// Stop sends sig and waits up to grace, then kills; true when sig alone
// ended the process.
func (p *Proc) Stop(sig os.Signal, grace time.Duration) bool {
	if p.Exited() {
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

// WaitOutput waits until the output matches re, the process exits or
// timeout passes.
func (p *Proc) WaitOutput(re *regexp.Regexp, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		if re.MatchString(p.Output()) {
			return nil
		}
		if p.Exited() {
			return fmt.Errorf("%s exited (%v) before its output matched %q", p.Name, p.err, re)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: output did not match %q within %v", p.Name, re, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// RunCmd runs a short command in dir to its end within timeout and returns
// its standard output; the error carries its standard error.
func RunCmd(timeout time.Duration, dir, name string, args ...string) (string, error) {
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
