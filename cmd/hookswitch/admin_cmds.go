package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/hookswitch/hookswitch/switch/store"
)

// backend runs an admin operation on the data dir, or through the running
// switch's control socket when the switch holds the data dir.
type backend struct {
	st   *store.Store // direct
	http *http.Client // through the switch
}

func openBackend(data string) (*backend, error) {
	st, err := store.Open(data, store.Options{})
	if err == nil {
		return &backend{st: st}, nil
	}
	if !errors.Is(err, store.ErrLocked) {
		return nil, err
	}
	sock := filepath.Join(data, socketName)
	c := &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		}}}
	return &backend{http: c}, nil
}

func (b *backend) close() {
	if b.st != nil {
		b.st.Close()
	}
}

// call does one API request over the control socket and decodes the answer.
func (b *backend) call(method, path string, in, out any) error {
	var body io.Reader
	if raw, ok := in.([]byte); ok { // a file upload
		body = bytes.NewReader(raw)
	} else if in != nil {
		j, _ := json.Marshal(in)
		body = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, "http://hookswitch"+path, body)
	res, err := b.http.Do(req)
	if err != nil {
		return fmt.Errorf("data dir is in use but the running switch does not answer on its control socket: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		var e struct{ Error string }
		json.NewDecoder(res.Body).Decode(&e)
		return fmt.Errorf("switch: %s", e.Error)
	}
	if out != nil {
		return json.NewDecoder(res.Body).Decode(out)
	}
	return nil
}

func extCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("ext: want add, list, show, set, remove or features")
	}
	sub := args[0]
	switch sub {
	case "add", "list", "remove", "rm", "delete":
	case "show", "set":
		return extSetCmd(sub, args[1:], stdout) // extset.go
	case "features":
		return featuresCmd(args[1:], stdout)
	default:
		return fmt.Errorf("ext: unknown subcommand %q (want add, list, show, set, remove or features)", sub)
	}
	fs := flag.NewFlagSet("ext "+sub, flag.ContinueOnError)
	data := dataFlag(fs)
	var e store.Extension
	gen := false
	var settings *extFlags
	if sub == "add" {
		fs.StringVar(&e.Password, "password", "", "SIP password (generated and printed when omitted)")
		settings = newExtFlags(fs, false) // extset.go: name, email, tenant and the P1 settings
	}
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if settings != nil {
		settings.apply(&e)
	}
	b, err := openBackend(*data)
	if err != nil {
		return err
	}
	defer b.close()
	switch sub {
	case "add":
		if len(pos) != 1 {
			return errors.New("ext add: want exactly one extension number")
		}
		e.Number = pos[0]
		if e.Password == "" {
			e.Password, gen = store.GeneratePassword(), true
		}
		if err := store.CheckPassword(e.Number, e.Password); err != nil {
			return fmt.Errorf("ext add: %w", err)
		}
		if err := extEntity.create(b, e); err != nil {
			return fmt.Errorf("ext add %s: %w", e.Number, flagError(err))
		}
		fmt.Fprintf(stdout, "extension %s created\n", e.Number)
		if gen {
			fmt.Fprintf(stdout, "password: %s\n", e.Password)
		}
	case "list":
		return extEntity.showList(b, stdout)
	case "remove", "rm", "delete":
		if len(pos) != 1 {
			return errors.New("ext remove: want exactly one extension number")
		}
		if err := extEntity.delete(b, pos[0]); err != nil {
			return fmt.Errorf("ext remove %s: %w", pos[0], err)
		}
		fmt.Fprintf(stdout, "extension %s removed\n", pos[0])
	default:
		return fmt.Errorf("ext: unknown subcommand %q (want add, list or remove)", sub)
	}
	return nil
}

var extEntity = entity[store.Extension]{path: "/api/v1/extensions",
	stList: (*store.Store).ListExtensions, stCreate: (*store.Store).CreateExtension, stDelete: (*store.Store).DeleteExtension,
	printList: printExtensions}

func printExtensions(w io.Writer, es []store.Extension) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NUMBER\tNAME\tMAX CONTACTS\tEMAIL")
	for _, e := range es {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", e.Number, e.Name, e.MaxContacts, e.Email)
	}
	return tw.Flush()
}

func cdrCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "list" {
		return errors.New("cdr: want list")
	}
	fs := flag.NewFlagSet("cdr list", flag.ContinueOnError)
	data := dataFlag(fs)
	limit := fs.Int("limit", 50, "how many, newest first")
	number := fs.String("number", "", "only calls from or to this number")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *limit < 0 {
		return errors.New("cdr list: --limit must not be negative")
	}
	b, err := openBackend(*data)
	if err != nil {
		return err
	}
	defer b.close()
	var cs []store.CDR
	if b.st != nil {
		cs, err = b.st.ListCDRs(store.CDRQuery{Limit: *limit, Number: *number})
	} else {
		err = b.call("GET", "/api/v1/cdrs?limit="+strconv.Itoa(*limit)+"&number="+url.QueryEscape(*number), nil, &cs)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		if cs == nil {
			cs = []store.CDR{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(cs)
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "START\tCALLER\tCALLEE\tSTATUS\tRING\tTALK\tENDED\tCODE\tCALL-ID")
	for _, c := range cs {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%ds\t%ds\t%s\t%d\t%s\n", c.StartTime.Local().Format("2006-01-02 15:04:05"),
			c.Caller, c.Callee, c.Status, c.RingSeconds, c.TalkSeconds, c.EndedReason, c.FailCode, c.CallID)
	}
	return w.Flush()
}

func regCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "list" {
		return errors.New("reg: want list")
	}
	fs := flag.NewFlagSet("reg list", flag.ContinueOnError)
	data := dataFlag(fs)
	if _, err := parse(fs, args[1:]); err != nil {
		return err
	}
	b, err := openBackend(*data)
	if err != nil {
		return err
	}
	defer b.close()
	var bs []store.Binding
	if b.st != nil {
		bs, err = b.st.AllBindings()
	} else {
		err = b.call("GET", "/api/v1/registrations", nil, &bs)
	}
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "EXT\tCONTACT\tSOURCE\tTRANSPORT\tEXPIRES\tUSER-AGENT")
	for _, r := range bs {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", r.AOR, r.Contact, r.Source, r.Transport,
			time.Until(r.Expires).Round(time.Second), r.UserAgent)
	}
	return w.Flush()
}
