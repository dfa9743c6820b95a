//go:build !386

package media

import (
	"errors"
	"os"
	"syscall"
	"time"
	"unsafe"
)

// wakeToken marks the poller's eventfd in the epoll set; sockets carry
// their slot index, which is never negative.
const wakeToken = -1

// poller is one epoll instance plus an eventfd that wakes its worker when
// requests are queued. The epoll fd itself sits in Go's netpoller: it reads
// ready when the set has events, so an idle worker parks like any goroutine.
// (A worker blocked in EpollWait would hold a P in a syscall; sysmon then
// retakes Ps every 20 µs, which cost about 30 % more CPU on the 1000-call
// load and a worse p99.)
type poller struct {
	epfd, evfd int
	file       *os.File        // owns epfd, registered with Go's netpoller
	conn       syscall.RawConn // of file
}

func newPoller() (poller, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return poller{}, os.NewSyscallError("epoll_create1", err)
	}
	// EFD_NONBLOCK and EFD_CLOEXEC have the values of O_NONBLOCK and
	// O_CLOEXEC; package syscall names only the latter.
	evfd, _, errno := syscall.RawSyscall(syscall.SYS_EVENTFD2, 0, syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if errno != 0 {
		syscall.Close(epfd)
		return poller{}, os.NewSyscallError("eventfd2", errno)
	}
	p := poller{epfd: epfd, evfd: int(evfd)}
	// os.NewFile registers a non-blocking fd with the netpoller.
	if err := syscall.SetNonblock(epfd, true); err != nil {
		syscall.Close(epfd)
		syscall.Close(p.evfd)
		return poller{}, os.NewSyscallError("setnonblock", err)
	}
	p.file = os.NewFile(uintptr(epfd), "epoll")
	p.conn, err = p.file.SyscallConn()
	if err == nil {
		// Only a file in the netpoller takes deadlines: fail here rather
		// than when the worker first waits.
		if p.file.SetReadDeadline(time.Time{}) != nil {
			err = errors.New("epoll fd not accepted by the go netpoller")
		}
	}
	if err == nil {
		err = p.add(p.evfd, wakeToken)
	}
	if err != nil {
		p.close()
		return poller{}, err
	}
	return p, nil
}

// add registers fd for input, level-triggered: a socket a worker left
// unfinished (bounded batch) is reported again by the next wait.
func (p poller) add(fd int, token int32) error {
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: token}
	if err := syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_ADD, fd, &ev); err != nil {
		return os.NewSyscallError("epoll_ctl add", err)
	}
	return nil
}

func (p poller) del(fd int) error {
	if err := syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_DEL, fd, nil); err != nil {
		return os.NewSyscallError("epoll_ctl del", err)
	}
	return nil
}

// wake makes the set report wakeToken until clearWake.
func (p poller) wake() {
	one := uint64(1)
	// EAGAIN means the counter is saturated: a wake-up is pending anyway.
	syscall.RawSyscall(syscall.SYS_WRITE, uintptr(p.evfd), uintptr(unsafe.Pointer(&one)), 8)
}

// clearWake resets the eventfd so the level-triggered set stops reporting it.
func (p poller) clearWake() {
	var n uint64
	syscall.RawSyscall(syscall.SYS_READ, uintptr(p.evfd), uintptr(unsafe.Pointer(&n)), 8)
}

// poll returns the ready events without blocking.
func (p poller) poll(events []syscall.EpollEvent) (int, error) {
	for {
		n, _, errno := syscall.RawSyscall6(syscall.SYS_EPOLL_PWAIT, uintptr(p.epfd),
			uintptr(unsafe.Pointer(unsafe.SliceData(events))), uintptr(len(events)), 0, 0, 0)
		switch errno {
		case 0:
			return int(n), nil
		case syscall.EINTR:
			// Retry: parking now could sleep through ready events whose
			// netpoller notification was already consumed.
		default:
			return 0, os.NewSyscallError("epoll_pwait", errno)
		}
	}
}

// serve calls handle with each batch of ready events, parking in Go's
// netpoller while there are none, until handle returns false.
func (p poller) serve(events []syscall.EpollEvent, handle func(n int) bool) error {
	var err error
	rerr := p.conn.Read(func(uintptr) bool {
		for {
			var n int
			if n, err = p.poll(events); err != nil {
				return true
			}
			if n == 0 {
				// Park until the set has events: the netpoller watches the
				// epoll fd edge-triggered, and any event added since this
				// poll makes the park return at once.
				return false
			}
			if !handle(n) {
				return true
			}
		}
	})
	if rerr != nil {
		return rerr
	}
	return err
}

func (p poller) close() {
	syscall.Close(p.evfd)
	p.file.Close()
}
