package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/hookswitch/hookswitch/switch/store"
)

// extFlags are the flags `ext set` (and `ext add`) share: identity and the
// per-phone settings of SPEC P1. Each applies only when given, so that a
// flag left out keeps the stored value.
type extFlags struct {
	fs                                    *flag.FlagSet
	name, email, password, tenant         *string
	codecs, dtmf, permit, recording, lang *string
	maxContacts, pickup                   *int
	callWaiting, voicemail                *bool
}

func newExtFlags(fs *flag.FlagSet, withPassword bool) *extFlags {
	f := &extFlags{fs: fs}
	f.name = fs.String("name", "", "display name")
	f.email = fs.String("email", "", "email address (voicemail notifications); empty clears")
	if withPassword {
		f.password = fs.String("password", "", "new SIP password (left out: kept)")
	}
	f.maxContacts = fs.Int("max-contacts", 0, "contacts allowed at once (1-5, default 2)")
	f.tenant = fs.String("tenant", "", "the tenant it belongs to (empty: the switch's own)")
	f.codecs = fs.String("codecs", "", "allowed codecs in preference order, e.g. PCMA,PCMU (of "+strings.Join(store.SettingsCodecs, ", ")+"); empty: the switch's list")
	f.dtmf = fs.String("dtmf-mode", "", "how it sends and receives DTMF: rfc2833 (default), info or inband")
	f.permit = fs.String("permit-ip", "", "CIDRs or addresses it may register and call from, comma-separated; empty: anywhere")
	f.recording = fs.String("recording", "", "call recording: on_demand (default), always or never")
	f.lang = fs.String("language", "", "language of its prompts (en, de, pt-BR); empty: the switch's")
	f.pickup = fs.Int("pickup-group", 0, fmt.Sprintf("call pickup group 1-%d (0: none)", store.MaxPickupGroup))
	f.callWaiting = fs.Bool("call-waiting", true, "a second call may ring it while it is on a call (--call-waiting=false: busy)")
	f.voicemail = fs.Bool("voicemail", true, "unanswered calls go to its mailbox (--voicemail=false: they do not)")
	return f
}

// apply writes the flags given into e.
func (f *extFlags) apply(e *store.Extension) {
	f.fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "name":
			e.Name = *f.name
		case "email":
			e.Email = *f.email
		case "password":
			if f.password != nil { // add has its own --password
				e.Password = *f.password
			}
		case "max-contacts":
			e.MaxContacts = *f.maxContacts
		case "tenant":
			e.Tenant = *f.tenant
		case "codecs":
			e.Codecs = splitList(*f.codecs)
		case "dtmf-mode":
			e.DTMFMode = *f.dtmf
		case "permit-ip":
			e.PermitIP = splitList(*f.permit)
		case "recording":
			e.Recording = *f.recording
		case "language":
			e.Language = *f.lang
		case "pickup-group":
			e.PickupGroup = *f.pickup
		case "call-waiting":
			v := *f.callWaiting
			e.CallWaiting = &v
		case "voicemail":
			v := *f.voicemail
			e.Voicemail = &v
		}
	})
}

// extFieldFlags name the flag of each extension field, for errors.
var extFieldFlags = map[string]string{"number": "extension number", "name": "--name", "email": "--email", "password": "--password",
	"max_contacts": "--max-contacts", "tenant": "--tenant", "codecs": "--codecs", "dtmf_mode": "--dtmf-mode",
	"permit_ip": "--permit-ip", "recording": "--recording", "language": "--language", "pickup_group": "--pickup-group"}

// flagError restates a field error with the flag that sets the field:
// the store's *FieldError, or through the socket its text ("invalid
// tenant: ...").
func flagError(err error) error {
	var fe *store.FieldError
	if errors.As(err, &fe) {
		if f, ok := extFieldFlags[fe.Field]; ok {
			return fmt.Errorf("%s: %s", f, fe.Reason)
		}
		return err
	}
	if err == nil {
		return nil
	}
	s := err.Error()
	for field, f := range extFieldFlags {
		if i := strings.Index(s, "invalid "+field+": "); i >= 0 {
			return errors.New(f + ": " + s[i+len("invalid "+field+": "):])
		}
	}
	return err
}

// extSetCmd: `ext show NUMBER [--json]` and `ext set NUMBER [flags]`.
// set reads the extension, changes what the flags give and writes it
// back; it checks the result here first, so that a bad value is refused
// naming its flag in both modes.
func extSetCmd(sub string, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("ext "+sub, flag.ContinueOnError)
	data := dataFlag(fs)
	var f *extFlags
	asJSON := new(bool)
	if sub == "set" {
		f = newExtFlags(fs, true)
	} else {
		asJSON = fs.Bool("json", false, "print JSON (without the password)")
	}
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("ext %s: want exactly one extension number", sub)
	}
	number := pos[0]
	b, err := openBackend(*data)
	if err != nil {
		return err
	}
	defer b.close()
	e, err := extGet(b, number)
	if err != nil {
		return fmt.Errorf("ext %s %s: %w", sub, number, err)
	}
	if sub == "show" {
		e.Password = ""
		if *asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(e)
		}
		return printExtension(stdout, e)
	}
	changed := 0
	fs.Visit(func(fl *flag.Flag) {
		if fl.Name != "data" {
			changed++
		}
	})
	if changed == 0 {
		return fmt.Errorf("ext set %s: nothing to change (see 'hookswitch ext set -h')", number)
	}
	f.apply(&e)
	if e.Password != "" && f.isSet("password") {
		if err := store.CheckPassword(e.Number, e.Password); err != nil {
			return fmt.Errorf("ext set %s: %w", number, flagError(err))
		}
	}
	check := e
	if check.Password == "" {
		check.Password = "kept" // through the switch the stored one is not shown; a PUT without it keeps it
	}
	if err := check.Validate(); err != nil {
		return fmt.Errorf("ext set %s: %w", number, flagError(err))
	}
	if b.st != nil {
		err = b.st.UpdateExtension(e)
	} else {
		err = b.call("PUT", extEntity.item(number), e, &e)
	}
	if err != nil {
		return fmt.Errorf("ext set %s: %w", number, flagError(err))
	}
	fmt.Fprintf(stdout, "extension %s saved\n", number)
	return nil
}

func (f *extFlags) isSet(name string) bool {
	set := false
	f.fs.Visit(func(fl *flag.Flag) { set = set || fl.Name == name })
	return set
}

func extGet(b *backend, number string) (store.Extension, error) {
	if b.st != nil {
		return b.st.GetExtension(number)
	}
	var e store.Extension
	err := b.call("GET", extEntity.item(number), nil, &e)
	return e, err
}

// printExtension shows every field, defaults spelled out.
func printExtension(w io.Writer, e store.Extension) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	or := func(v, def string) string {
		if v == "" {
			return def
		}
		return v
	}
	onOff := func(on bool) string {
		if on {
			return "on"
		}
		return "off"
	}
	pickup := "-"
	if e.PickupGroup > 0 {
		pickup = strconv.Itoa(e.PickupGroup)
	}
	for _, row := range [][2]string{
		{"number", e.Number},
		{"name", or(e.Name, "-")},
		{"email", or(e.Email, "-")},
		{"max contacts", strconv.Itoa(e.MaxContacts)},
		{"tenant", or(e.Tenant, "- (the switch's own)")},
		{"codecs", or(strings.Join(e.Codecs, ","), "- (the switch's list)")},
		{"dtmf mode", or(e.DTMFMode, store.DTMFRFC2833)},
		{"permit ip", or(strings.Join(e.PermitIP, ","), "- (anywhere)")},
		{"recording", or(e.Recording, store.RecordOnDemand)},
		{"language", or(e.Language, "- (the switch's)")},
		{"pickup group", pickup},
		{"call waiting", onOff(e.CallWaitingOn())},
		{"voicemail", onOff(e.VoicemailOn())},
		{"dnd", onOff(e.Features.DND)},
	} {
		fmt.Fprintf(tw, "%s:\t%s\n", row[0], row[1])
	}
	if !e.CreatedAt.IsZero() {
		fmt.Fprintf(tw, "created:\t%s\n", e.CreatedAt.Local().Format("2006-01-02 15:04:05"))
		fmt.Fprintf(tw, "updated:\t%s\n", e.UpdatedAt.Local().Format("2006-01-02 15:04:05"))
	}
	return tw.Flush()
}
