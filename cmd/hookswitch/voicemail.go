package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"text/tabwriter"
	"time"

	"github.com/hookswitch/hookswitch/switch/voicemail"
	"github.com/hookswitch/hookswitch/web"
)

const voicemailUsage = "voicemail: want 'list [BOX]', 'export BOX ID [-o FILE|-]', 'play BOX ID', 'delete BOX ID' or 'pin BOX PIN'"

// voicemailCmd lists, exports, plays and deletes voicemail messages and
// sets PINs, on the data dir or through the running switch
// (web/voicemail.go).
func voicemailCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New(voicemailUsage)
	}
	sub := args[0]
	want := map[string][]string{"list": nil, "export": {"BOX", "ID"}, "play": {"BOX", "ID"}, "delete": {"BOX", "ID"}, "pin": {"BOX", "PIN"}}
	names, ok := want[sub]
	if !ok {
		return fmt.Errorf("voicemail: unknown subcommand %q; %s", sub, voicemailUsage[len("voicemail: "):])
	}
	fs := flag.NewFlagSet("voicemail "+sub, flag.ContinueOnError)
	data := dataFlag(fs)
	var out string
	if sub == "export" {
		fs.StringVar(&out, "o", "", "output file, - for stdout (default ID.wav)")
	}
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != len(names) && !(sub == "list" && len(pos) == 1) {
		return fmt.Errorf("voicemail %s: want %q as arguments, got %q", sub, names, pos)
	}
	m, err := openMedia(*data)
	if err != nil {
		return err
	}
	defer m.close()
	if sub == "list" {
		return voicemailList(m, pos, stdout)
	}
	box, id := pos[0], pos[1]
	// Escaped for the URL; the stores validate both (a '/' or ".." is refused).
	api := "/api/v1/voicemail/" + url.PathEscape(box) + "/" + url.PathEscape(id)
	switch sub {
	case "export", "play":
		src, err := m.audio(func() (string, error) { return m.vm.Path(box, id) }, api+"/audio")
		if err != nil {
			return fmt.Errorf("voicemail %s %s %s: %w", sub, box, id, err)
		}
		if sub == "play" {
			err = play(src, "hookswitch voicemail export "+box+" "+id+" -o FILE")
		} else {
			err = export(src, out, id+".wav", stdout)
		}
		if err != nil {
			return fmt.Errorf("voicemail %s %s %s: %w", sub, box, id, err)
		}
	case "delete":
		if m.vm != nil {
			err = m.vm.Delete(box, id)
		} else {
			err = m.call("DELETE", api, nil, nil)
		}
		if err != nil {
			return fmt.Errorf("voicemail delete %s %s: %w", box, id, err)
		}
		fmt.Fprintf(stdout, "message %s of %s deleted\n", id, box)
	case "pin":
		pin := pos[1]
		if m.vm != nil {
			err = m.vm.SetPIN(box, pin)
		} else {
			err = m.call("PUT", "/api/v1/voicemail/"+url.PathEscape(box)+"/pin", map[string]string{"pin": pin}, nil)
		}
		if err != nil {
			return fmt.Errorf("voicemail pin %s: %w", box, err)
		}
		fmt.Fprintf(stdout, "PIN of %s set\n", box)
	}
	return nil
}

// voicemailList prints one box's messages, or every box's.
func voicemailList(m *mediaBackend, pos []string, stdout io.Writer) error {
	var ms []web.VoicemailMessage
	var err error
	if m.vm != nil {
		var vs []voicemail.Message
		if len(pos) == 1 {
			vs, err = m.vm.Messages(pos[0], "")
		} else {
			vs, err = m.vm.AllMessages()
		}
		for _, v := range vs {
			ms = append(ms, web.VoicemailMessage{ID: v.ID, Box: v.Box, Folder: v.Folder, Caller: v.Caller,
				CallerName: v.CallerName, Received: v.Received, Duration: v.Duration.Seconds()})
		}
	} else if len(pos) == 1 {
		var b web.VoicemailBox
		err = m.call("GET", "/api/v1/voicemail/"+url.PathEscape(pos[0]), nil, &b)
		ms = b.Messages
	} else {
		err = m.call("GET", "/api/v1/voicemail", nil, &ms)
	}
	if err != nil {
		return fmt.Errorf("voicemail list: %w", err)
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "BOX\tID\tFOLDER\tFROM\tRECEIVED\tDURATION")
	for _, v := range ms {
		from := v.Caller
		if v.CallerName != "" {
			from = fmt.Sprintf("%s (%s)", v.Caller, v.CallerName)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", v.Box, v.ID, v.Folder, from, v.Received.Local().Format("2006-01-02 15:04:05"),
			duration(time.Duration(v.Duration*float64(time.Second))))
	}
	return w.Flush()
}
