package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/hookswitch/hookswitch/switch/store"
)

// dialPolicyCmd shows or replaces what extensions may dial out:
//
//	hookswitch dialpolicy show
//	hookswitch dialpolicy set [--block 0900]... [--country 49]... [--emergency 112]... [--emergency-cid N] [--intl-prefix 00]
func dialPolicyCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "show" && args[0] != "set") {
		return errors.New("dialpolicy: want show or set")
	}
	fs := flag.NewFlagSet("dialpolicy "+args[0], flag.ContinueOnError)
	data := dataFlag(fs)
	var p store.DialPolicy
	var block, country, emergency multiFlag
	fs.Var(&block, "block", "a prefix nobody may dial; repeatable")
	fs.Var(&country, "country", "a country code international calls may reach (none given: all); repeatable")
	fs.Var(&emergency, "emergency", "an emergency number, never refused; repeatable")
	fs.StringVar(&p.EmergencyCID, "emergency-cid", "", "the caller number sent on emergency calls")
	fs.StringVar(&p.InternationalPrefix, "intl-prefix", "", "the international prefix (default 00; + always counts)")
	if _, err := parse(fs, args[1:]); err != nil {
		return err
	}
	b, err := openBackend(*data)
	if err != nil {
		return err
	}
	defer b.close()
	if args[0] == "set" {
		p.BlockedPrefixes, p.CountryCodes, p.Emergency = block, country, emergency
		if b.st != nil {
			err = b.st.SetDialPolicy(p)
		} else {
			err = b.call("PUT", "/api/v1/dialpolicy", p, nil)
		}
		if err != nil {
			return fmt.Errorf("dialpolicy set: %w", err)
		}
	}
	if b.st != nil {
		p, err = b.st.DialPolicy()
	} else {
		err = b.call("GET", "/api/v1/dialpolicy", nil, &p)
	}
	if err != nil {
		return err
	}
	list := func(v []string) string {
		if len(v) == 0 {
			return "-"
		}
		return strings.Join(v, ", ")
	}
	fmt.Fprintf(stdout, "blocked prefixes: %s\ncountry codes:    %s\nemergency:        %s\nemergency cid:    %s\n",
		list(p.BlockedPrefixes), list(p.CountryCodes), list(p.Emergency), p.EmergencyCID)
	return nil
}
