package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/hookswitch/hookswitch/switch/store"
)

// multiFlag collects a repeated flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// featuresCmd shows or changes an extension's call features:
//
//	hookswitch ext features 1002 [--dnd on|off] [--forward KIND=NUMBER] [--forward KIND=]
//	                             [--follow-me NUMBER:SECONDS,...]
func featuresCmd(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("ext features", flag.ContinueOnError)
	data := dataFlag(fs)
	dnd := fs.String("dnd", "", "do not disturb: on or off")
	var fwd multiFlag
	fs.Var(&fwd, "forward", "KIND=NUMBER (all, busy, no_answer, unavailable); KIND= clears it; repeatable")
	follow := fs.String("follow-me", "\x00", "NUMBER:SECONDS,... rung in turn after the extension; empty clears")
	class := fs.String("class", "\x00", "how far it may dial out: internal, local, national or international")
	cid1 := fs.String("cid1", "\x00", "outbound caller ID 1, shown on trunk calls by dial rules with caller_id cid1 (the default); empty clears")
	cid2 := fs.String("cid2", "\x00", "outbound caller ID 2, for dial rules with caller_id cid2; empty clears")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("ext features: want exactly one extension number")
	}
	number := pos[0]
	change, err := featureChange(*dnd, fwd, *follow, *class, *cid1, *cid2)
	if err != nil {
		return fmt.Errorf("ext features: %w", err)
	}
	b, err := openBackend(*data)
	if err != nil {
		return err
	}
	defer b.close()
	var f store.Features
	path := "/api/v1/extensions/" + url.PathEscape(number) + "/features"
	switch {
	case b.st != nil && change == nil:
		var e store.Extension
		e, err = b.st.GetExtension(number)
		f = e.Features
	case b.st != nil:
		f, err = b.st.UpdateFeatures(number, change)
	default:
		if err = b.call("GET", path, nil, &f); err == nil && change != nil {
			if err = change(&f); err == nil {
				err = b.call("PUT", path, f, &f)
			}
		}
	}
	if err != nil {
		return fmt.Errorf("ext features %s: %w", number, err)
	}
	printFeatures(stdout, number, f)
	return nil
}

// featureChange turns the flags into a change; nil when there is none.
func featureChange(dnd string, fwd []string, follow, class, cid1, cid2 string) (func(*store.Features) error, error) {
	var dndOn *bool
	switch dnd {
	case "":
	case "on", "off":
		on := dnd == "on"
		dndOn = &on
	default:
		return nil, fmt.Errorf("--dnd %q: want on or off", dnd)
	}
	fwds := map[string]string{}
	for _, kv := range fwd {
		kind, target, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("--forward %q: want KIND=NUMBER", kv)
		}
		fwds[kind] = target
	}
	var steps []store.FollowStep
	if follow != "\x00" && follow != "" {
		for _, part := range strings.Split(follow, ",") {
			n, secs, ok := strings.Cut(strings.TrimSpace(part), ":")
			t, err := strconv.Atoi(secs)
			if !ok || err != nil {
				return nil, fmt.Errorf("--follow-me %q: want NUMBER:SECONDS,...", part)
			}
			steps = append(steps, store.FollowStep{Number: n, Timeout: t})
		}
	}
	if dndOn == nil && len(fwds) == 0 && follow == "\x00" && class == "\x00" && cid1 == "\x00" && cid2 == "\x00" {
		return nil, nil
	}
	return func(f *store.Features) error {
		if dndOn != nil {
			f.DND = *dndOn
		}
		for kind, target := range fwds {
			if target == "" {
				delete(f.Forward, kind)
				continue
			}
			if f.Forward == nil {
				f.Forward = map[string]string{}
			}
			f.Forward[kind] = target
		}
		if follow != "\x00" {
			f.FollowMe = steps
		}
		if class != "\x00" {
			f.Class = class
		}
		if cid1 != "\x00" {
			f.OutboundCID1 = cid1
		}
		if cid2 != "\x00" {
			f.OutboundCID2 = cid2
		}
		return nil
	}, nil
}

func printFeatures(w io.Writer, number string, f store.Features) {
	class := f.Class
	if class == "" {
		class = "international"
	}
	fmt.Fprintf(w, "extension %s\n  dnd: %v\n  class: %s\n", number, f.DND, class)
	kinds := make([]string, 0, len(f.Forward))
	for k := range f.Forward {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(w, "  forward %s: %s\n", k, f.Forward[k])
	}
	for i, s := range f.FollowMe {
		fmt.Fprintf(w, "  follow-me %d: %s for %d s\n", i+1, s.Number, s.Timeout)
	}
	if f.OutboundCID1 != "" || f.OutboundCID2 != "" {
		fmt.Fprintf(w, "  outbound caller ID: cid1 %s, cid2 %s\n", orDash(f.OutboundCID1), orDash(f.OutboundCID2))
	}
}
