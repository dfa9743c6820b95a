package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"

	"github.com/go-chi/chi/v5"

	"github.com/hookswitch/hookswitch/switch/queue"
	"github.com/hookswitch/hookswitch/switch/store"
)

// maxQueueBody bounds a queue's JSON: up to 500 agents.
const maxQueueBody = 64 << 10

// QueueControl is the running switch's call queues (*queue.Manager).
type QueueControl interface {
	List() []queue.QueueStatus
	Status(number string) (queue.QueueStatus, error)
	Abandoned(number string) []queue.Abandoned
	Login(queue, ext string) error
	Logout(queue, ext string) error
	SetPaused(queue, ext string, paused bool, reason string) error
	// Sync applies a configuration: after a change here, the stored one.
	Sync(qs []store.Queue, agents []store.QueueAgentState)
}

func (a *API) queueRoutes(r chi.Router) {
	r.Get("/api/v1/queues", a.listQueues)
	r.Post("/api/v1/queues", a.createQueue)
	r.Get("/api/v1/queues/status", a.queuesStatus)
	r.Get("/api/v1/queues/{number}", a.getQueue)
	r.Put("/api/v1/queues/{number}", a.putQueue)
	r.Delete("/api/v1/queues/{number}", a.deleteQueue)
	r.Get("/api/v1/queues/{number}/status", a.queueStatus)
	r.Get("/api/v1/queues/{number}/abandoned", a.queueAbandoned)
	r.Put("/api/v1/queues/{number}/agents/{ext}", a.putQueueAgent)
}

var errNoQueues = errors.New("call queues run only in a running switch")

// liveQueues answers 503 and returns nil without live queues (the CLI on
// a stopped switch's data dir).
func (a *API) liveQueues(w http.ResponseWriter) QueueControl {
	if a.Queues == nil {
		writeErr(w, http.StatusServiceUnavailable, errNoQueues)
	}
	return a.Queues
}

// queueStatusOf maps the engine's errors: no such queue or agent is 404,
// a static agent logging out 409.
func queueStatusOf(err error) int {
	switch {
	case errors.Is(err, queue.ErrNotFound), errors.Is(err, queue.ErrNotAgent):
		return http.StatusNotFound
	case errors.Is(err, queue.ErrStatic):
		return http.StatusConflict
	}
	return statusOf(err)
}

// listQueues answers the queues' settings in numeric order.
func (a *API) listQueues(w http.ResponseWriter, r *http.Request) {
	list, err := a.B.ListQueues()
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	scope := scopeOf(r)
	list = slices.DeleteFunc(list, func(q store.Queue) bool { return !sees(scope, q.Tenant) })
	if list == nil {
		list = []store.Queue{}
	}
	writeJSON(w, http.StatusOK, list)
}

func (a *API) getQueue(w http.ResponseWriter, r *http.Request) {
	q, err := a.B.GetQueue(chi.URLParam(r, "number"))
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, q)
}

// createQueue answers 201 with the stored queue (defaults filled), 400
// naming the field, 409 when the number is a queue's already.
func (a *API) createQueue(w http.ResponseWriter, r *http.Request) {
	var q store.Queue
	if !readQueue(w, r, &q) || !claimTenant(w, scopeOf(r), &q.Tenant) {
		return
	}
	if err := a.B.CreateQueue(q); err != nil {
		writeRouteErr(w, err)
		return
	}
	a.syncQueues()
	a.writeQueue(w, q.Number, http.StatusCreated)
}

// putQueue creates or replaces the queue numbered in the URL; 200 with
// the stored queue, 400 naming the field. Fields left out take their
// defaults (a PUT replaces the whole queue).
func (a *API) putQueue(w http.ResponseWriter, r *http.Request) {
	var q store.Queue
	number := chi.URLParam(r, "number")
	if !readQueue(w, r, &q) {
		return
	}
	if q.Number != "" && q.Number != number {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("invalid number: %q in the body, %q in the URL", q.Number, number), "field": "number"})
		return
	}
	q.Number = number
	if !claimTenant(w, scopeOf(r), &q.Tenant) {
		return
	}
	if err := a.B.PutQueue(q); err != nil {
		writeRouteErr(w, err)
		return
	}
	a.syncQueues()
	a.writeQueue(w, number, http.StatusOK)
}

// deleteQueue answers 204, 404, or 409 naming the rule or queue that
// sends calls to it.
func (a *API) deleteQueue(w http.ResponseWriter, r *http.Request) {
	if err := a.B.DeleteQueue(chi.URLParam(r, "number")); err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	a.syncQueues()
	w.WriteHeader(http.StatusNoContent)
}

// readQueue decodes a queue strictly (an unknown field is a 400).
func readQueue(w http.ResponseWriter, r *http.Request, q *store.Queue) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxQueueBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(q); err != nil {
		writeErr(w, http.StatusBadRequest, fmt.Errorf(`invalid JSON: want a call queue, e.g. {"number": "300", "strategy": "rrmemory", "static_agents": [{"ext": "1001"}], "dynamic_agents": ["1002"]}: %w`, err))
		return false
	}
	return true
}

// writeQueue answers the queue as stored.
func (a *API) writeQueue(w http.ResponseWriter, number string, code int) {
	q, err := a.B.GetQueue(number)
	if err != nil {
		writeErr(w, statusOf(err), err)
		return
	}
	writeJSON(w, code, q)
}

// queueSync serialises reloads, so the last change's configuration is
// the one the switch keeps.
var queueSync sync.Mutex

// syncQueues gives a running switch the stored queues; a failure to read
// them leaves it with the previous ones until the next change.
func (a *API) syncQueues() {
	if a.Queues == nil {
		return
	}
	queueSync.Lock()
	defer queueSync.Unlock()
	qs, err := a.B.ListQueues()
	if err != nil {
		return
	}
	agents, err := a.B.ListQueueAgents()
	if err != nil {
		return
	}
	a.Queues.Sync(qs, agents)
}

// queuesStatus answers every live queue.
func (a *API) queuesStatus(w http.ResponseWriter, r *http.Request) {
	qc := a.liveQueues(w)
	if qc == nil {
		return
	}
	list := qc.List()
	if list == nil {
		list = []queue.QueueStatus{} // a list, never null
	}
	if scope := scopeOf(r); scope != "" {
		list = keep(list, func(s queue.QueueStatus) bool {
			q, err := a.B.GetQueue(s.Number)
			return err == nil && q.Tenant == scope
		})
	}
	writeJSON(w, http.StatusOK, list)
}

func (a *API) queueStatus(w http.ResponseWriter, r *http.Request) {
	qc := a.liveQueues(w)
	if qc == nil {
		return
	}
	s, err := qc.Status(chi.URLParam(r, "number"))
	if err != nil {
		writeErr(w, queueStatusOf(err), err)
		return
	}
	writeJSON(w, http.StatusOK, s)
}

// queueAbandoned answers the callers who hung up while waiting, newest
// first.
func (a *API) queueAbandoned(w http.ResponseWriter, r *http.Request) {
	qc := a.liveQueues(w)
	if qc == nil {
		return
	}
	number := chi.URLParam(r, "number")
	if _, err := qc.Status(number); err != nil {
		writeErr(w, queueStatusOf(err), err)
		return
	}
	list := qc.Abandoned(number)
	if list == nil {
		list = []queue.Abandoned{}
	}
	writeJSON(w, http.StatusOK, list)
}

// putQueueAgent takes {"logged_in": true, "paused": false, "reason":
// "..."}: either or both of logged_in (dynamic agents) and paused. 204;
// 404 for an unknown queue or an extension that is not its agent; 409
// for logging a static agent in or out.
func (a *API) putQueueAgent(w http.ResponseWriter, r *http.Request) {
	qc := a.liveQueues(w)
	if qc == nil {
		return
	}
	var body struct {
		LoggedIn *bool  `json:"logged_in"`
		Paused   *bool  `json:"paused"`
		Reason   string `json:"reason"`
	}
	if !readJSON(w, r, &body, `{"logged_in": true, "paused": false}`) {
		return
	}
	if body.LoggedIn == nil && body.Paused == nil {
		writeErr(w, http.StatusBadRequest, errors.New(`want "logged_in", "paused" or both, e.g. {"logged_in": true, "paused": false}`))
		return
	}
	number, ext := chi.URLParam(r, "number"), chi.URLParam(r, "ext")
	var err error
	switch {
	case body.LoggedIn == nil:
	case *body.LoggedIn:
		err = qc.Login(number, ext)
	default:
		err = qc.Logout(number, ext)
	}
	if err == nil && body.Paused != nil {
		err = qc.SetPaused(number, ext, *body.Paused, body.Reason)
	}
	if err != nil {
		writeErr(w, queueStatusOf(err), err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
