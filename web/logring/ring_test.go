package logring

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestRingBounds(t *testing.T) {
	g := New(5, 0)
	log := slog.New(NewHandler(slog.NewTextHandler(&bytes.Buffer{}, nil), g))
	for i := range 12 {
		log.Info("msg", "i", i)
	}
	recs, last := g.Query(Filter{})
	if len(recs) != 5 || last != 12 || recs[0].Seq != 12 || recs[4].Seq != 8 || recs[0].Attrs["i"] != "11" {
		t.Fatalf("kept %d records, last %d: %+v", len(recs), last, recs)
	}
	// By bytes: big records push out the old ones.
	g = New(100, 2000)
	log = slog.New(NewHandler(slog.NewTextHandler(&bytes.Buffer{}, nil), g))
	for range 10 {
		log.Info(strings.Repeat("x", 500))
	}
	if n := g.Len(); n < 1 || n > 4 {
		t.Fatalf("%d records of 500 bytes in a 2000-byte ring", n)
	}
	// One attribute is bounded.
	log.Info("big", "v", strings.Repeat("y", 100_000))
	recs, _ = g.Query(Filter{Limit: 1})
	if len(recs) != 1 || len(recs[0].Attrs["v"]) > maxAttrValue+4 {
		t.Fatalf("a huge attribute kept whole: %d bytes", len(recs[0].Attrs["v"]))
	}
}

func TestHandlerTeeAndFilters(t *testing.T) {
	var out bytes.Buffer
	g := New(0, 0)
	log := slog.New(NewHandler(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelInfo}), g))
	log.Debug("hidden") // disabled: neither in the output nor in the ring
	log.Info("call up", "call_id", "abc@host", "from", "1001")
	log.With("component", "trunk").WithGroup("t").Warn("trunk down", "name", "carrier", "err", errors.New("timeout"))
	log.Error("boom", slog.Group("g", "k", 1))
	if !strings.Contains(out.String(), "call up") || strings.Contains(out.String(), "hidden") {
		t.Fatalf("normal output: %s", out.String())
	}
	recs, _ := g.Query(Filter{})
	if len(recs) != 3 {
		t.Fatalf("%d records, want 3: %+v", len(recs), recs)
	}
	if w := recs[1]; w.Level != "WARN" || w.Attrs["component"] != "trunk" || w.Attrs["t.name"] != "carrier" || w.Attrs["t.err"] != "timeout" {
		t.Errorf("warn record %+v", w)
	}
	if e := recs[0]; e.Attrs["g.k"] != "1" {
		t.Errorf("group attrs %+v", e.Attrs)
	}
	for _, c := range []struct {
		f    Filter
		want []string
	}{
		{Filter{MinLevel: int(slog.LevelWarn)}, []string{"boom", "trunk down"}},
		{Filter{Text: "CARRIER"}, []string{"trunk down"}},
		{Filter{CallID: "abc@host"}, []string{"call up"}},
		{Filter{Limit: 1}, []string{"boom"}},
		{Filter{AfterSeq: 2}, []string{"boom"}},
		{Filter{Since: time.Now().Add(time.Hour)}, nil},
	} {
		recs, _ := g.Query(c.f)
		var got []string
		for _, r := range recs {
			got = append(got, r.Msg)
		}
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%+v: %v, want %v", c.f, got, c.want)
		}
	}
	if recs[2].CallID != "abc@host" {
		t.Errorf("call_id not lifted: %+v", recs[2])
	}
}
