package subscribe

import (
	"encoding/xml"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// DialogState is one live dialog of an extension as a BLF watcher sees it
// (RFC 4235 4.1.6). Its fields match call.ExtDialog, so the call layer's
// list converts without copying field by field.
type DialogState struct {
	ID        string // stable for the dialog's life, unique within the extension
	CallID    string
	LocalTag  string // the extension's own tag; "" until known
	RemoteTag string // the tag of the switch's side
	Initiator bool   // the extension placed the call; else it is being or was rung
	Confirmed bool   // answered; else early (ringing or ringback)
	Other     string // the other party's number as the extension sees it
	OtherName string // its display name; "" if none
}

// DialogSource reports the live dialogs of an extension. An error wrapping
// ErrNoResource means there is no such extension.
type DialogSource interface {
	Dialogs(ext string) ([]DialogState, error)
}

// DialogInfo is the dialog event package (RFC 4235): busy lamp field for
// the extensions of the switch. Each NOTIFY is a full dialog-info
// document; no dialog element means idle.
type DialogInfo struct {
	src  DialogSource
	host func() string
}

// Bounds on one document, so a busy extension (a queue's number, say)
// cannot make a NOTIFY of unbounded size.
const (
	maxBLFDialogs = 32  // dialogs per document, confirmed ones first
	maxBLFName    = 128 // bytes of a display name
	maxBLFUser    = 128 // bytes of a number, before escaping
)

// NewDialogInfo serves src. host gives the host of the entity and identity
// URIs (the stack's advertised host, read per NOTIFY); nil, "" or an
// unusable host gives "localhost".
func NewDialogInfo(src DialogSource, host func() string) *DialogInfo {
	return &DialogInfo{src: src, host: host}
}

// Name is the Event token.
func (*DialogInfo) Name() string { return "dialog" }

// ContentType is the body type of RFC 4235 4.1.
func (*DialogInfo) ContentType() string { return "application/dialog-info+xml" }

// Authorize lets any authenticated user watch any extension of the switch.
func (*DialogInfo) Authorize(user, resource string) bool { return mayWatch(user, resource) }

// mayWatch is the BLF policy: BLF keys are for colleagues, so every user of
// the switch may watch every extension of it; the server keeps watchers
// inside their tenant (sameTenant), and the subscribe hook decides what
// it refuses.
func mayWatch(user, _ string) bool { return user != "" }

// Body is ext's document at version 0 (the existence check of a new
// subscription; NOTIFYs use VersionedBody).
func (d *DialogInfo) Body(ext string) ([]byte, error) { return d.VersionedBody(ext, 0) }

// VersionedBody is ext's dialog-info document, full state, at version.
func (d *DialogInfo) VersionedBody(ext string, version uint64) ([]byte, error) {
	if d.src == nil {
		return nil, errors.New("dialog: no dialog source")
	}
	if !validResource(ext) {
		return nil, fmt.Errorf("dialog: extension %q: %w", ext, ErrNoResource)
	}
	ds, err := d.src.Dialogs(ext)
	if err != nil {
		return nil, fmt.Errorf("dialog: extension %s: %w", ext, err)
	}
	host := ""
	if d.host != nil {
		host = d.host()
	}
	return dialogInfoBody(ext, host, version, ds)
}

// The document's shape (RFC 4235 4.1). encoding/xml escapes every text and
// attribute and replaces what XML cannot carry, so names from SIP headers
// cannot break it.
type xmlDialogInfo struct {
	XMLName xml.Name    `xml:"urn:ietf:params:xml:ns:dialog-info dialog-info"`
	Version uint64      `xml:"version,attr"`
	State   string      `xml:"state,attr"`
	Entity  string      `xml:"entity,attr"`
	Dialogs []xmlDialog `xml:"dialog"`
}

type xmlDialog struct {
	ID        string         `xml:"id,attr"`
	CallID    string         `xml:"call-id,attr,omitempty"`
	LocalTag  string         `xml:"local-tag,attr,omitempty"`
	RemoteTag string         `xml:"remote-tag,attr,omitempty"`
	Direction string         `xml:"direction,attr"`
	State     string         `xml:"state"`
	Local     xmlParticipant `xml:"local"`
	Remote    xmlParticipant `xml:"remote"`
}

type xmlParticipant struct {
	Identity xmlIdentity `xml:"identity"`
}

type xmlIdentity struct {
	Display string `xml:"display,attr,omitempty"`
	URI     string `xml:",chardata"`
}

func dialogInfoBody(ext, host string, version uint64, ds []DialogState) ([]byte, error) {
	if !uriHost(host) {
		host = "localhost"
	}
	self := sipURI(ext, host)
	doc := xmlDialogInfo{Version: version, State: "full", Entity: self}
	if len(ds) > maxBLFDialogs {
		// A lamp shows busy before ringing: keep the confirmed ones.
		ds = slices.Clone(ds)
		slices.SortStableFunc(ds, func(a, b DialogState) int {
			switch {
			case a.Confirmed == b.Confirmed:
				return 0
			case a.Confirmed:
				return -1
			}
			return 1
		})
		ds = ds[:maxBLFDialogs]
	}
	doc.Dialogs = make([]xmlDialog, 0, len(ds))
	seen := make(map[string]bool, len(ds))
	for i, s := range ds {
		id := s.ID
		if id == "" || len(id) > maxIDLen || seen[id] {
			id = "d" + strconv.Itoa(i) // the id is required and unique (4.1.6)
		}
		seen[id] = true
		x := xmlDialog{ID: id, CallID: bounded(s.CallID), LocalTag: bounded(s.LocalTag),
			RemoteTag: bounded(s.RemoteTag), Direction: "recipient", State: "early"}
		if s.Initiator {
			x.Direction = "initiator"
		}
		if s.Confirmed {
			x.State = "confirmed"
		}
		x.Local.Identity.URI = self
		other := "sip:anonymous@anonymous.invalid" // RFC 3323 4.1.1.3
		if s.Other != "" && len(s.Other) <= maxBLFUser {
			other = sipURI(escapeUser(s.Other), host)
		}
		x.Remote.Identity = xmlIdentity{Display: clip(strings.TrimSpace(s.OtherName), maxBLFName), URI: other}
		doc.Dialogs = append(doc.Dialogs, x)
	}
	b, err := xml.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("dialog: extension %s: %w", ext, err)
	}
	return append([]byte(xml.Header), b...), nil
}

// sipURI is sip:user@host, with an IPv6 host in brackets.
func sipURI(user, host string) string {
	if strings.IndexByte(host, ':') >= 0 && host[0] != '[' {
		host = "[" + host + "]"
	}
	return "sip:" + user + "@" + host
}

// uriHost accepts a host name or an IP address (IPv6 bare or in brackets)
// and nothing that could change a URI's meaning.
func uriHost(h string) bool {
	return h != "" && len(h) <= 255 && alnumOr(h, "-.:[]")
}

// escapeUser percent-encodes what may not stand in a SIP URI's user part
// (RFC 3261 25.1): a trunk caller's number can be anything.
func escapeUser(u string) string {
	if validResource(u) && !strings.Contains(u, "%") {
		return u
	}
	var b strings.Builder
	for i := 0; i < len(u); i++ {
		c := u[i]
		if c != '%' && alnumOr(u[i:i+1], "-_.!~*'()&=+$,;?/") {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte("0123456789ABCDEF"[c>>4])
		b.WriteByte("0123456789ABCDEF"[c&15])
	}
	return b.String()
}

// bounded drops an identifier too long to be one we made or accepted.
func bounded(s string) string {
	if len(s) > maxIDLen {
		return ""
	}
	return s
}

// clip cuts s to at most n bytes on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
