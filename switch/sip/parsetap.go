package sip

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
)

// lastDatagram is the UDP request the filter let through unparsed, kept
// until the next one: when sipgo fails to parse it, its log record carries
// the bytes but not the sender, which this supplies.
type lastDatagram struct {
	mu   sync.Mutex
	data []byte // a copy: sipgo reuses its read buffer
	from net.Addr
}

func (l *lastDatagram) note(data []byte, from net.Addr) {
	l.mu.Lock()
	l.data = append(l.data[:0], data...)
	l.from = from
	l.mu.Unlock()
}

// sender returns who sent data, if it is the remembered datagram.
func (l *lastDatagram) sender(data string) net.Addr {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.from == nil || string(l.data) != data {
		return nil
	}
	return l.from
}

// parseFailed is the message sipgo's transports log, with the datagram in
// "data" and the cause in "error", before dropping what they cannot parse.
const parseFailed = "failed to parse"

// parseTap is the handler of sipgo's transport logger: it answers a UDP
// request sipgo could not parse (see Stack.filter) and passes every record
// on to next.
type parseTap struct {
	slog.Handler
	s *Stack
}

func (h parseTap) Enabled(ctx context.Context, lv slog.Level) bool {
	return lv >= slog.LevelError || h.Handler.Enabled(ctx, lv)
}

func (h parseTap) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == parseFailed && h.s.udp != nil {
		var data, cause string
		r.Attrs(func(a slog.Attr) bool {
			switch a.Key {
			case "data":
				data = a.Value.String()
			case "error":
				cause = a.Value.String()
			}
			return true
		})
		if from := h.s.last.sender(data); from != nil {
			h.s.reject([]byte(data), from, errors.New(cause))
		}
	}
	if !h.Handler.Enabled(ctx, r.Level) {
		return nil
	}
	return h.Handler.Handle(ctx, r)
}

func (h parseTap) WithAttrs(a []slog.Attr) slog.Handler {
	return parseTap{h.Handler.WithAttrs(a), h.s}
}
func (h parseTap) WithGroup(n string) slog.Handler { return parseTap{h.Handler.WithGroup(n), h.s} }
