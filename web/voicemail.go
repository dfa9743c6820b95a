package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/switch/voicemail"
)

// VoicemailMessage is a message as the API shows it (no file path).
type VoicemailMessage struct {
	ID         string    `json:"id"`
	Box        string    `json:"box"`
	Folder     string    `json:"folder"`
	Caller     string    `json:"caller"`
	CallerName string    `json:"caller_name"`
	Received   time.Time `json:"received"`
	Duration   float64   `json:"duration"` // seconds
}

// VoicemailBox is GET /api/v1/voicemail/{box}: counts and messages,
// oldest first.
type VoicemailBox struct {
	Box      string             `json:"box"`
	New      int                `json:"new"`
	Saved    int                `json:"saved"`
	Messages []VoicemailMessage `json:"messages"`
}

func (a *API) voicemailRoutes(r chi.Router) {
	r.Get("/api/v1/voicemail", a.allVoicemail)
	r.Get("/api/v1/voicemail/{box}", a.voicemailBox)
	r.Put("/api/v1/voicemail/{box}/pin", a.setVoicemailPIN)
	r.Get("/api/v1/voicemail/{box}/{id}/audio", a.voicemailAudio)
	r.Put("/api/v1/voicemail/{box}/{id}", a.moveVoicemail)
	r.Delete("/api/v1/voicemail/{box}/{id}", a.deleteVoicemail)
}

var errNoVoicemail = errors.New("voicemail is not configured on this switch")

// vm answers 503 and returns nil when the switch runs without voicemail.
func (a *API) vm(w http.ResponseWriter) *voicemail.Store {
	if a.VM == nil {
		writeErr(w, http.StatusServiceUnavailable, errNoVoicemail)
	}
	return a.VM
}

func messageView(ms []voicemail.Message) []VoicemailMessage {
	out := make([]VoicemailMessage, 0, len(ms))
	for _, m := range ms {
		out = append(out, VoicemailMessage{ID: m.ID, Box: m.Box, Folder: m.Folder, Caller: m.Caller, CallerName: m.CallerName,
			Received: m.Received, Duration: seconds(m.Duration)})
	}
	return out
}

// seconds is d in seconds, to the millisecond.
func seconds(d time.Duration) float64 { return d.Round(time.Millisecond).Seconds() }

// allVoicemail lists every box's messages, by box, oldest first.
func (a *API) allVoicemail(w http.ResponseWriter, r *http.Request) {
	vm := a.vm(w)
	if vm == nil {
		return
	}
	ms, err := vm.AllMessages()
	if err != nil {
		writeErr(w, 500, err)
		return
	}
	if scope := scopeOf(r); scope != "" {
		mine, err := a.scopeExtensions(scope)
		if err != nil {
			writeErr(w, 500, err)
			return
		}
		ms = slices.DeleteFunc(ms, func(m voicemail.Message) bool { return !mine[m.Box] })
	}
	writeJSON(w, 200, messageView(ms))
}

// voicemailBox answers a box's counts and messages: 404 for no such box
// (no extension), 400 for a box that is not a number.
func (a *API) voicemailBox(w http.ResponseWriter, r *http.Request) {
	vm := a.vm(w)
	if vm == nil {
		return
	}
	box := chi.URLParam(r, "box")
	ms, err := vm.Messages(box, "")
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	out := VoicemailBox{Box: box, Messages: messageView(ms)}
	for _, m := range ms {
		if m.Folder == voicemail.FolderNew {
			out.New++
		} else {
			out.Saved++
		}
	}
	writeJSON(w, 200, out)
}

func (a *API) voicemailAudio(w http.ResponseWriter, r *http.Request) {
	vm := a.vm(w)
	if vm == nil {
		return
	}
	id := chi.URLParam(r, "id")
	path, err := vm.Path(chi.URLParam(r, "box"), id)
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	serveWAV(w, r, path, id+".wav")
}

// readSavedFolder reads {"folder": "saved"}, the one move a message makes
// (heard: saved); false when it answered 400.
func readSavedFolder(w http.ResponseWriter, r *http.Request) bool {
	var body struct {
		Folder string `json:"folder"`
	}
	if !readJSON(w, r, &body, `{"folder": "saved"}`) {
		return false
	}
	if body.Folder != voicemail.FolderSaved {
		writeJSON(w, http.StatusBadRequest, map[string]string{"field": "folder",
			"error": fmt.Sprintf("invalid folder: %q: want %q", truncateField(body.Folder), voicemail.FolderSaved)})
		return false
	}
	return true
}

// moveVoicemail takes {"folder": "saved"}: a message once heard is saved
// (moving it back to new is not a thing the boxes do).
func (a *API) moveVoicemail(w http.ResponseWriter, r *http.Request) {
	vm := a.vm(w)
	if vm == nil {
		return
	}
	if !readSavedFolder(w, r) {
		return
	}
	box, id := chi.URLParam(r, "box"), chi.URLParam(r, "id")
	if err := vm.MarkSaved(box, id); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	m, err := vm.Message(box, id)
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	writeJSON(w, 200, messageView([]voicemail.Message{m})[0])
}

func (a *API) deleteVoicemail(w http.ResponseWriter, r *http.Request) {
	vm := a.vm(w)
	if vm == nil {
		return
	}
	if err := vm.Delete(chi.URLParam(r, "box"), chi.URLParam(r, "id")); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	w.WriteHeader(204)
}

// setVoicemailPIN takes {"pin": "1234"}: 4-10 digits (400 otherwise), 404
// for no such box.
func (a *API) setVoicemailPIN(w http.ResponseWriter, r *http.Request) {
	vm := a.vm(w)
	if vm == nil {
		return
	}
	var body struct {
		PIN string `json:"pin"`
	}
	if !readJSON(w, r, &body, `{"pin": "1234"}`) {
		return
	}
	if err := vm.SetPIN(chi.URLParam(r, "box"), body.PIN); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	w.WriteHeader(204)
}

// readJSON decodes a small JSON object with known fields only; false after
// answering 400.
func readJSON(w http.ResponseWriter, r *http.Request, v any, example string) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeErr(w, 400, fmt.Errorf("invalid JSON: want %s: %w", example, err))
		return false
	}
	return true
}
