package logring

import (
	"context"
	"fmt"
	"log/slog"
)

// Handler is a slog.Handler that passes every record on to Next and keeps
// a copy in the Ring. It records what Next enables: the ring shows what the
// log shows, and a disabled debug call stays as cheap as before.
type Handler struct {
	next   slog.Handler
	ring   *Ring
	attrs  []slog.Attr // from WithAttrs, keys already qualified by groups
	prefix string      // the open groups, "a.b."
}

// NewHandler tees next into ring.
func NewHandler(next slog.Handler, ring *Ring) *Handler {
	return &Handler{next: next, ring: ring}
}

func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	rec := Record{Time: r.Time.UTC(), Level: r.Level.String(), Msg: r.Message, level: int(r.Level), Attrs: map[string]string{}}
	for _, a := range h.attrs {
		flatten(rec.Attrs, "", a)
	}
	r.Attrs(func(a slog.Attr) bool {
		flatten(rec.Attrs, h.prefix, a)
		return true
	})
	if id, ok := rec.Attrs["call_id"]; ok {
		rec.CallID = id
	} else if id, ok := rec.Attrs["call-id"]; ok {
		rec.CallID = id
	}
	h.ring.add(rec)
	return h.next.Handle(ctx, r)
}

func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.next = h.next.WithAttrs(as)
	c.attrs = append([]slog.Attr(nil), h.attrs...)
	for _, a := range as {
		a.Key = h.prefix + a.Key
		c.attrs = append(c.attrs, a)
	}
	return &c
}

func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	c := *h
	c.next = h.next.WithGroup(name)
	c.prefix = h.prefix + name + "."
	return &c
}

// flatten writes a as prefix+key=value, groups as dotted keys, values
// bounded.
func flatten(m map[string]string, prefix string, a slog.Attr) {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		p := prefix
		if a.Key != "" {
			p += a.Key + "."
		}
		for _, g := range v.Group() {
			flatten(m, p, g)
		}
		return
	}
	if a.Key == "" {
		return
	}
	s := ""
	switch v.Kind() {
	case slog.KindAny:
		if e, ok := v.Any().(error); ok {
			s = e.Error()
		} else {
			s = fmt.Sprint(v.Any())
		}
	default:
		s = v.String()
	}
	if len(s) > maxAttrValue {
		s = s[:maxAttrValue] + "…"
	}
	m[prefix+a.Key] = s
}
