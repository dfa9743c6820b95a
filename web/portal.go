package web

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/switch/store"
	"github.com/hookswitch/hookswitch/switch/voicemail"
	"github.com/hookswitch/hookswitch/web/auth"
)

// The user portal (SPEC A3): an extension user's own voicemail, calls,
// forwarding, phone book and voicemail PIN. The policy lets every
// logged-in role call /api/v1/me/...; each handler acts on the
// principal's extension only, never on one named by the request.

// Portal paging of the call history.
const (
	defaultPortalCalls = 25
	maxPortalCalls     = 100
	maxPortalOffset    = 100_000
)

// ContactStore is the phone book; *store.Store implements it. A Backend
// without it answers 503 on the contacts routes.
type ContactStore interface {
	ListContacts(ext string) ([]store.Contact, error)
	AddContact(ext string, c store.Contact) (store.Contact, error)
	UpdateContact(ext, id string, c store.Contact) (store.Contact, error)
	DeleteContact(ext, id string) error
}

func (a *API) portalRoutes(r chi.Router) {
	r.Get("/api/v1/me/portal", a.portalSummary)
	r.Get("/api/v1/me/voicemail", a.myVoicemail)
	r.Put("/api/v1/me/voicemail/pin", a.myVoicemailPIN)
	r.Get("/api/v1/me/voicemail/{id}/audio", a.myVoicemailAudio)
	r.Put("/api/v1/me/voicemail/{id}", a.myVoicemailSave)
	r.Delete("/api/v1/me/voicemail/{id}", a.myVoicemailDelete)
	r.Get("/api/v1/me/calls", a.myCalls)
	r.Get("/api/v1/me/calls/{id}/recording", a.myCallRecording)
	r.Get("/api/v1/me/features", a.myFeatures)
	r.Put("/api/v1/me/features", a.putMyFeatures)
	r.Get("/api/v1/me/contacts", a.myContacts)
	r.Post("/api/v1/me/contacts", a.addMyContact)
	r.Put("/api/v1/me/contacts/{id}", a.putMyContact)
	r.Delete("/api/v1/me/contacts/{id}", a.delMyContact)
}

// myExt is the principal's extension; "" after answering 403 for a
// principal without one (the admin credential, most admin users).
func myExt(w http.ResponseWriter, r *http.Request) string {
	p, _ := auth.From(r.Context())
	if p.Ext == "" {
		who := p.User
		if who == "" {
			who = "this principal"
		}
		writeErr(w, http.StatusForbidden, fmt.Errorf("%s has no extension: the portal is for extension users", who))
	}
	return p.Ext
}

// PortalSummary is GET /api/v1/me/portal: what the portal's shell shows.
type PortalSummary struct {
	Ext  string `json:"ext"`
	Name string `json:"name,omitempty"`
	// PhoneURL is the built-in web phone; "" when this switch serves none.
	PhoneURL  string          `json:"phone_url,omitempty"`
	Voicemail *PortalVMCounts `json:"voicemail,omitempty"` // nil: no voicemail on this switch
}

// PortalVMCounts are the messages of the user's box.
type PortalVMCounts struct {
	New   int `json:"new"`
	Saved int `json:"saved"`
}

func (a *API) portalSummary(w http.ResponseWriter, r *http.Request) {
	ext := myExt(w, r)
	if ext == "" {
		return
	}
	e, err := a.B.GetExtension(ext)
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	out := PortalSummary{Ext: ext, Name: e.Name, PhoneURL: phoneURL(a.PhoneURL, r)}
	if a.VM != nil {
		n, s, err := a.VM.Counts(ext)
		if err != nil {
			writeErr(w, statusOf(err), err)
			return
		}
		out.Voicemail = &PortalVMCounts{New: n, Saved: s}
	}
	writeJSON(w, http.StatusOK, out)
}

// phoneURL completes a configured ":PORT" with the host the browser used
// (the HTTPS port is on the same machine; the name it is known by is the
// browser's); anything else is the URL as configured.
func phoneURL(conf string, r *http.Request) string {
	if !strings.HasPrefix(conf, ":") {
		return conf
	}
	port, err := strconv.Atoi(conf[1:])
	if err != nil || port < 1 || port > 65535 {
		return ""
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "" || strings.ContainsAny(host, "/?#@ ") {
		return ""
	}
	return "https://" + net.JoinHostPort(host, strconv.Itoa(port)) + "/phone/"
}

// myVM is the voicemail store and the user's box, after answering 403
// or 503 when there is none.
func (a *API) myVM(w http.ResponseWriter, r *http.Request) (*voicemail.Store, string) {
	ext := myExt(w, r)
	if ext == "" {
		return nil, ""
	}
	vm := a.vm(w)
	if vm == nil {
		return nil, ""
	}
	return vm, ext
}

// myVoicemail is the user's box: counts and messages, newest first.
func (a *API) myVoicemail(w http.ResponseWriter, r *http.Request) {
	vm, box := a.myVM(w, r)
	if vm == nil {
		return
	}
	ms, err := vm.Messages(box, "")
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	out := VoicemailBox{Box: box, Messages: messageView(ms)}
	for i, j := 0, len(out.Messages)-1; i < j; i, j = i+1, j-1 {
		out.Messages[i], out.Messages[j] = out.Messages[j], out.Messages[i]
	}
	for _, m := range ms {
		if m.Folder == voicemail.FolderNew {
			out.New++
		} else {
			out.Saved++
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// The message routes name the message only: the box is always the
// user's, so another box's ID is simply not found in it.

func (a *API) myVoicemailAudio(w http.ResponseWriter, r *http.Request) {
	vm, box := a.myVM(w, r)
	if vm == nil {
		return
	}
	id := chi.URLParam(r, "id")
	path, err := vm.Path(box, id)
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	serveWAV(w, r, path, id+".wav")
}

// myVoicemailSave takes {"folder": "saved"}: the message was heard.
func (a *API) myVoicemailSave(w http.ResponseWriter, r *http.Request) {
	vm, box := a.myVM(w, r)
	if vm == nil {
		return
	}
	if !readSavedFolder(w, r) {
		return
	}
	id := chi.URLParam(r, "id")
	if err := vm.MarkSaved(box, id); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	m, err := vm.Message(box, id)
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, messageView([]voicemail.Message{m})[0])
}

func (a *API) myVoicemailDelete(w http.ResponseWriter, r *http.Request) {
	vm, box := a.myVM(w, r)
	if vm == nil {
		return
	}
	if err := vm.Delete(box, chi.URLParam(r, "id")); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// myVoicemailPIN takes {"pin": "1234"}: the PIN the phone's voicemail
// menu asks for. The current PIN is not asked: the session already
// proves the extension's password, which the phone itself uses.
func (a *API) myVoicemailPIN(w http.ResponseWriter, r *http.Request) {
	vm, box := a.myVM(w, r)
	if vm == nil {
		return
	}
	var body struct {
		PIN string `json:"pin"`
	}
	if !readJSON(w, r, &body, `{"pin": "1234"}`) {
		return
	}
	if err := vm.SetPIN(box, body.PIN); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// PortalCall is a call of the user's history: less than a CDR (no
// trunks, Call-IDs or billing extras, which are the operator's).
type PortalCall struct {
	ID         string    `json:"id"`
	Start      time.Time `json:"start_time"`
	Answer     time.Time `json:"answer_time,omitzero"`
	End        time.Time `json:"end_time"`
	Incoming   bool      `json:"incoming"` // the user was called
	Caller     string    `json:"caller"`
	CallerName string    `json:"caller_display_name,omitempty"`
	Callee     string    `json:"callee"`
	Status     string    `json:"call_status"`
	RingSecs   int       `json:"ring_duration"`
	TalkSecs   int       `json:"talk_duration"`
	// Recorded: GET /api/v1/me/calls/{id}/recording plays the call.
	Recorded bool `json:"recorded"`
}

// PortalCalls is a page of GET /api/v1/me/calls.
type PortalCalls struct {
	Calls []PortalCall `json:"calls"`
	// Total counts the matches from the page's cursor (?after) on, or
	// all of them (with ?offset's skipped ones).
	Total int `json:"total"`
	// Next is the ?after of the following page; "" on the last one.
	Next string `json:"next,omitempty"`
}

// myCalls pages the calls the user made or received (through a ring group
// or a queue too: the CDR's final destination), newest first:
// ?limit (1-100, default 25), ?after (the previous page's next) or
// ?offset.
func (a *API) myCalls(w http.ResponseWriter, r *http.Request) {
	ext := myExt(w, r)
	if ext == "" {
		return
	}
	vals := r.URL.Query()
	q := store.CDRSearch{Party: ext, Limit: defaultPortalCalls, After: vals.Get("after"), Count: true}
	for _, p := range [...]struct {
		name     string
		dst      *int
		min, max int
	}{{"limit", &q.Limit, 1, maxPortalCalls}, {"offset", &q.Offset, 0, maxPortalOffset}} {
		if v := vals.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < p.min || n > p.max {
				writeErr(w, http.StatusBadRequest, fmt.Errorf("invalid %s: want a number from %d to %d", p.name, p.min, p.max))
				return
			}
			*p.dst = n
		}
	}
	page, err := a.B.SearchCDRs(q)
	if err != nil && !errors.Is(err, store.ErrCorrupt) { // unreadable records are left out
		writeErr(w, statusOf(err), err)
		return
	}
	out := PortalCalls{Calls: make([]PortalCall, 0, len(page.CDRs)), Total: page.Total, Next: page.Next}
	recorded := a.recordedCalls(page.CDRs)
	for _, c := range page.CDRs {
		out.Calls = append(out.Calls, PortalCall{ID: c.ID, Start: c.StartTime, Answer: c.AnswerTime, End: c.EndTime,
			Incoming: (c.Callee == ext || c.FinalDest == ext) && c.Caller != ext, Caller: c.Caller, CallerName: c.CallerName, Callee: c.Callee,
			Status: c.Status, RingSecs: c.RingSeconds, TalkSecs: c.TalkSeconds, Recorded: recorded[c.CallID]})
	}
	writeJSON(w, http.StatusOK, out)
}

// PortalFeatures are the call features a user sets: do not disturb and
// forwarding ("" does not forward). Class of service, caller IDs and
// follow-me stay the admin's.
type PortalFeatures struct {
	DND     bool          `json:"dnd"`
	Forward PortalForward `json:"forward"`
}

// PortalForward are the forwarding targets by kind (store.ForwardAll...).
type PortalForward struct {
	All         string `json:"all"`
	Busy        string `json:"busy"`
	NoAnswer    string `json:"no_answer"`
	Unavailable string `json:"unavailable"`
}

func portalFeatures(f store.Features) PortalFeatures {
	return PortalFeatures{DND: f.DND, Forward: PortalForward{All: f.Forward[store.ForwardAll], Busy: f.Forward[store.ForwardBusy],
		NoAnswer: f.Forward[store.ForwardNoAnswer], Unavailable: f.Forward[store.ForwardUnavailable]}}
}

func (a *API) myFeatures(w http.ResponseWriter, r *http.Request) {
	ext := myExt(w, r)
	if ext == "" {
		return
	}
	e, err := a.B.GetExtension(ext)
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, portalFeatures(e.Features))
}

// putMyFeatures replaces DND and the forwarding targets and keeps the
// rest; a field of another kind (class, outbound_cid1...) is refused by
// name as unknown.
func (a *API) putMyFeatures(w http.ResponseWriter, r *http.Request) {
	ext := myExt(w, r)
	if ext == "" {
		return
	}
	var in PortalFeatures
	if !readJSON(w, r, &in, `{"dnd": false, "forward": {"all": "", "busy": "1002", "no_answer": "", "unavailable": ""}}`) {
		return
	}
	targets := map[string]string{store.ForwardAll: in.Forward.All, store.ForwardBusy: in.Forward.Busy,
		store.ForwardNoAnswer: in.Forward.NoAnswer, store.ForwardUnavailable: in.Forward.Unavailable}
	for kind, t := range targets {
		if t == ext {
			writeErr(w, http.StatusBadRequest, fmt.Errorf("invalid forward.%s: cannot be the extension itself", kind))
			return
		}
	}
	out, err := a.B.UpdateFeatures(ext, func(f *store.Features) error {
		f.DND = in.DND
		f.Forward = map[string]string{}
		for kind, t := range targets {
			if t != "" {
				f.Forward[kind] = t
			}
		}
		return nil
	})
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, portalFeatures(out))
}

// contacts is the phone book and the user's extension, after answering
// 403 or 503 when there is none.
func (a *API) contacts(w http.ResponseWriter, r *http.Request) (ContactStore, string) {
	ext := myExt(w, r)
	if ext == "" {
		return nil, ""
	}
	cs, ok := a.B.(ContactStore)
	if !ok {
		writeErr(w, http.StatusServiceUnavailable, errors.New("this switch keeps no phone books"))
		return nil, ""
	}
	return cs, ext
}

func (a *API) myContacts(w http.ResponseWriter, r *http.Request) {
	cs, ext := a.contacts(w, r)
	if cs == nil {
		return
	}
	list, err := cs.ListContacts(ext)
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	if list == nil {
		list = []store.Contact{}
	}
	writeJSON(w, http.StatusOK, list)
}

// contactInput is what a client sets of a contact.
type contactInput struct {
	Name   string `json:"name"`
	Number string `json:"number"`
}

const contactExample = `{"name": "Alice", "number": "+4930123456"}`

func (a *API) addMyContact(w http.ResponseWriter, r *http.Request) {
	cs, ext := a.contacts(w, r)
	if cs == nil {
		return
	}
	var in contactInput
	if !readJSON(w, r, &in, contactExample) {
		return
	}
	c, err := cs.AddContact(ext, store.Contact{Name: in.Name, Number: in.Number})
	if err != nil {
		writeRouteErr(w, err) // names the field for the form
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

func (a *API) putMyContact(w http.ResponseWriter, r *http.Request) {
	cs, ext := a.contacts(w, r)
	if cs == nil {
		return
	}
	var in contactInput
	if !readJSON(w, r, &in, contactExample) {
		return
	}
	c, err := cs.UpdateContact(ext, chi.URLParam(r, "id"), store.Contact{Name: in.Name, Number: in.Number})
	if err != nil {
		writeRouteErr(w, err) // names the field for the form
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (a *API) delMyContact(w http.ResponseWriter, r *http.Request) {
	cs, ext := a.contacts(w, r)
	if cs == nil {
		return
	}
	if err := cs.DeleteContact(ext, chi.URLParam(r, "id")); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// truncateField bounds client text echoed in an error.
func truncateField(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
