package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/web"
)

// trunkCmd manages SIP trunks:
//
//	hookswitch trunk list
//	hookswitch trunk set NAME --kind register|ip|accept-register [--host H] [--username U] [--password P] ...
//	hookswitch trunk remove NAME
func trunkCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("trunk: want list, set or remove")
	}
	sub := args[0]
	fs := flag.NewFlagSet("trunk "+sub, flag.ContinueOnError)
	data := dataFlag(fs)
	var t store.Trunk
	var ips string
	var headers multiFlag
	fs.StringVar(&t.Kind, "kind", "", "register (we register to the provider), ip (calls from known addresses) or accept-register (a gateway registers to us)")
	fs.StringVar(&t.Host, "host", "", "the provider: host or host:port")
	fs.StringVar(&t.Transport, "transport", "", "udp (default), tcp or tls")
	fs.StringVar(&t.OutboundProxy, "proxy", "", "outbound proxy: host or host:port")
	fs.StringVar(&t.Username, "username", "", "account user (register), or the user the gateway registers as (accept-register)")
	fs.StringVar(&t.AuthUsername, "auth-username", "", "digest user when it differs")
	fs.StringVar(&t.Password, "password", "", "account password (kept when omitted on a change)")
	fs.StringVar(&t.Realm, "realm", "", "answer only this digest realm")
	fs.StringVar(&t.FromDomain, "from-domain", "", "domain of our From (default the host)")
	fs.IntVar(&t.Expiry, "expiry", 0, "registration expiry asked, seconds (default 3600)")
	fs.StringVar(&ips, "ips", "", "comma-separated addresses or CIDR ranges calls come from")
	fs.IntVar(&t.MaxCalls, "max-calls", 0, "simultaneous calls (0: no limit)")
	fs.IntVar(&t.Qualify, "qualify", 0, "seconds between OPTIONS to the peer (0: off)")
	fs.StringVar(&t.OutboundCID, "outbound-cid", "", "caller number sent on this trunk")
	fs.StringVar(&t.Class, "class", "", "how far calls from this trunk may go out again: internal, local, national or international (default)")
	fs.Var(&headers, "header", `"Name: value" sets, "-Name" removes a header on requests we send; repeatable`)
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	b, err := openBackend(*data)
	if err != nil {
		return err
	}
	defer b.close()
	switch sub {
	case "list":
		var views []web.TrunkView
		if b.st != nil {
			var ts []store.Trunk
			ts, err = b.st.ListTrunks()
			for _, t := range ts {
				views = append(views, web.TrunkView{Trunk: t, PasswordSet: t.Password != ""})
			}
		} else {
			err = b.call("GET", trunkEntity.path, nil, &views)
		}
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "NAME\tKIND\tHOST\tUSER\tMAX CALLS\tREGISTRATION\tPEER")
		for _, v := range views {
			reg, peer := "-", "-"
			if v.State != nil && v.State.Registration != nil {
				reg = v.State.Registration.String()
			}
			if v.State != nil && v.State.Qualify != nil {
				peer = v.State.Qualify.Health.String()
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", v.Name, v.Kind, v.Host, v.Username, v.MaxCalls, reg, peer)
		}
		return w.Flush()
	case "set":
		if len(pos) != 1 {
			return errors.New("trunk set: want one NAME")
		}
		t.Name = pos[0]
		if ips != "" {
			for _, ip := range strings.Split(ips, ",") {
				t.IPs = append(t.IPs, strings.TrimSpace(ip))
			}
		}
		t.Headers = headers
		// An omitted password keeps the old one (the switch does this itself).
		if b.st != nil && t.Password == "" {
			if old, err := b.st.GetTrunk(t.Name); err == nil {
				t.Password = old.Password
			}
		}
		if err := trunkEntity.put(b, t.Name, t); err != nil {
			return fmt.Errorf("trunk set %s: %w", t.Name, err)
		}
		fmt.Fprintf(stdout, "trunk %s saved\n", t.Name)
		return nil
	case "remove":
		if len(pos) != 1 {
			return errors.New("trunk remove: want one NAME")
		}
		if err := trunkEntity.delete(b, pos[0]); err != nil {
			return fmt.Errorf("trunk remove %s: %w", pos[0], err)
		}
		return nil
	}
	return fmt.Errorf("trunk: unknown subcommand %q: want list, set or remove", sub)
}

// trunkEntity leaves list to trunkCmd: the switch adds each trunk's state.
var trunkEntity = entity[store.Trunk]{cmd: "trunk", noun: "trunk", path: "/api/v1/trunks",
	stPut: (*store.Store).PutTrunk, stDelete: (*store.Store).DeleteTrunk}
