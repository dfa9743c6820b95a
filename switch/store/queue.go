package store

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"
)

const (
	queuePrefix      = "queue/"
	queueAgentPrefix = "qagent/" // + queue + "/" + ext
)

// Queue strategies (SPEC P3; seed 004 "Ring Strategy").
const (
	StrategyRingAll     = "ringall"     // every free agent of the best tier at once
	StrategyLeastRecent = "leastrecent" // the agent whose last queue call is oldest
	StrategyFewestCalls = "fewestcalls" // the agent who took the fewest queue calls
	StrategyRandom      = "random"
	StrategyRRMemory    = "rrmemory"  // round robin, starting after the last agent rung
	StrategyLinear      = "linear"    // always from the first agent
	StrategyRROrdered   = "rrordered" // rrmemory keeping the configured order
)

// Strategies lists the strategies, the default first.
var Strategies = []string{StrategyRingAll, StrategyLeastRecent, StrategyFewestCalls, StrategyRandom,
	StrategyRRMemory, StrategyLinear, StrategyRROrdered}

// Queue limits and defaults (seconds unless said otherwise).
const (
	MinQueueNumberLen        = 2
	MaxQueueNumberLen        = 10
	MaxQueueAgents           = 500 // static and dynamic together
	MaxAgentPenalty          = 9
	DefaultAgentTimeout      = 15
	DefaultQueueRetry        = 5
	DefaultAnnounceFrequency = 30
	DefaultPeriodicFrequency = 60
	MaxQueueCallers          = 10000
	maxQueueWait             = 86400
	maxPromptLen             = 200
)

// QueueMember is a static agent and its penalty: agents of a lower penalty
// are rung first; a higher tier only when no agent of a lower one is free.
type QueueMember struct {
	Ext     string `json:"ext"`
	Penalty int    `json:"penalty,omitempty"` // 0-9
}

// Queue is a call queue (SPEC P3): callers wait, hearing music and
// announcements, until an agent answers.
//
// Validate fills the defaults of zero fields. Two booleans default to
// true, join_empty and skip_busy: they are pointers, nil (or left out of
// the JSON) meaning the default, and Validate stores it explicitly. Read
// them through JoinsEmpty and SkipsBusy, which also answer the default
// for a queue built in Go and never validated.
type Queue struct {
	Number   string `json:"number"` // 2-10 digits, not an extension's
	Name     string `json:"name,omitempty"`
	Tenant   string `json:"tenant,omitempty"` // its agents are the tenant's ("" no tenant)
	Strategy string `json:"strategy"`         // Strategies; default ringall
	// StaticAgents are always in the queue (they may pause, not log
	// out); DynamicAgents log in and out (*51*q, *52*q). Each is an
	// extension, in one list only.
	StaticAgents  []QueueMember `json:"static_agents,omitempty"`
	DynamicAgents []string      `json:"dynamic_agents,omitempty"`
	AgentTimeout  int           `json:"agent_timeout"` // ring an agent this long per attempt: 5-300, default 15
	// Retry is the pause between attempts: 1-60, default 5. There is
	// always one (as in Asterisk), so phones that refuse at once are not
	// rung in a tight loop.
	Retry      int `json:"retry"`
	WrapUp     int `json:"wrap_up"`     // an agent rests this long after a queue call: 0-600
	MaxWait    int `json:"max_wait"`    // then the caller goes to no_answer: 0 none, else 5-86400
	MaxCallers int `json:"max_callers"` // waiting callers: 0 no limit
	// JoinEmpty lets callers in while no agent is logged in (default
	// true, but false when LeaveWhenEmpty is set); LeaveWhenEmpty sends
	// the waiting callers to no_answer when the last one goes. Not both.
	JoinEmpty      *bool `json:"join_empty,omitempty"`
	LeaveWhenEmpty bool  `json:"leave_when_empty"`
	SkipBusy       *bool `json:"skip_busy,omitempty"` // agents on another call are not rung (default true)
	AutoPause      bool  `json:"auto_pause"`          // an agent who does not answer is paused
	// AutoReady logs dynamic agents in by default: one with a
	// registration takes calls until it logs out (seed 001, "set the
	// member ready automatically").
	AutoReady bool   `json:"auto_ready"`
	Music     string `json:"music,omitempty"` // music-on-hold class; "" the default one
	Intro     string `json:"intro,omitempty"` // prompt played on joining
	// AnnouncePosition and AnnounceHoldTime are said every
	// AnnounceFrequency seconds: 15-600, default 30 when either is on;
	// with both off nothing is announced and the frequency is 0.
	AnnouncePosition  bool `json:"announce_position"`
	AnnounceHoldTime  bool `json:"announce_hold_time"`
	AnnounceFrequency int  `json:"announce_frequency"`
	// PeriodicPrompt is played every PeriodicFrequency seconds (15-600,
	// default 60 with a prompt; 0 = never). A frequency without a prompt
	// plays the shipped "queue/periodic" ("Thank you for holding...").
	PeriodicPrompt    string `json:"periodic_prompt,omitempty"`
	PeriodicFrequency int    `json:"periodic_frequency"`
	SLA               int    `json:"sla"` // a waiting caller passing this raises an alert: 0 none, else 5-86400
	// NoAnswer is where callers go when the queue gives up on them (max
	// wait, full, empty); none: they hear a hang-up.
	NoAnswer Destination `json:"no_answer,omitzero"`
	// CallerIDPrefix goes before the caller's name on the agents' phones
	// (seed 004, "Add Queue Name Caller ID").
	CallerIDPrefix string    `json:"caller_id_prefix,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// JoinsEmpty is JoinEmpty, true when unset.
func (q *Queue) JoinsEmpty() bool { return q.JoinEmpty == nil || *q.JoinEmpty }

// SkipsBusy is SkipBusy, true when unset.
func (q *Queue) SkipsBusy() bool { return q.SkipBusy == nil || *q.SkipBusy }

// Agents lists the agents' extensions: static ones first, in order.
func (q *Queue) Agents() []string {
	out := make([]string, 0, len(q.StaticAgents)+len(q.DynamicAgents))
	for _, m := range q.StaticAgents {
		out = append(out, m.Ext)
	}
	return append(out, q.DynamicAgents...)
}

// IsDynamic says whether ext is one of the dynamic agents.
func (q *Queue) IsDynamic(ext string) bool { return slices.Contains(q.DynamicAgents, ext) }

// Validate checks what needs no other record and fills the defaults.
// Errors are *FieldError wrapping ErrInvalid.
func (q *Queue) Validate() error {
	if !validQueueNumber(q.Number) {
		return invalid("number", fmt.Sprintf("must be %d-%d digits", MinQueueNumberLen, MaxQueueNumberLen))
	}
	if !utf8.ValidString(q.Name) || utf8.RuneCountInString(q.Name) > maxNameLen || hasControl(q.Name) {
		return invalid("name", fmt.Sprintf("must be at most %d printable characters", maxNameLen))
	}
	if q.Strategy == "" {
		q.Strategy = StrategyRingAll
	}
	if !slices.Contains(Strategies, q.Strategy) {
		return invalid("strategy", fmt.Sprintf("%q: want %s", truncateText(q.Strategy), strings.Join(Strategies, ", ")))
	}
	if err := q.validAgents(); err != nil {
		return err
	}
	if q.AgentTimeout == 0 {
		q.AgentTimeout = DefaultAgentTimeout
	}
	if q.Retry == 0 {
		q.Retry = DefaultQueueRetry
	}
	if q.AnnounceFrequency == 0 && (q.AnnouncePosition || q.AnnounceHoldTime) {
		q.AnnounceFrequency = DefaultAnnounceFrequency
	}
	if q.JoinEmpty == nil {
		q.JoinEmpty = ptr(!q.LeaveWhenEmpty) // leave_when_empty alone implies join_empty off
	}
	if q.SkipBusy == nil {
		q.SkipBusy = ptr(true)
	}
	if q.PeriodicPrompt != "" && q.PeriodicFrequency == 0 {
		q.PeriodicFrequency = DefaultPeriodicFrequency
	}
	for _, r := range []struct {
		field     string
		v, lo, hi int
		zero      bool // 0 allowed besides lo-hi
		what      string
	}{
		{"agent_timeout", q.AgentTimeout, 5, 300, false, ""},
		{"retry", q.Retry, 1, 60, false, ""},
		{"wrap_up", q.WrapUp, 0, 600, false, ""},
		{"max_wait", q.MaxWait, 5, maxQueueWait, true, "none"},
		{"max_callers", q.MaxCallers, 0, MaxQueueCallers, false, ""},
		{"announce_frequency", q.AnnounceFrequency, 15, 600, true, "no announcements"},
		{"sla", q.SLA, 5, maxQueueWait, true, "none"},
	} {
		if r.v == 0 && r.zero || r.v >= r.lo && r.v <= r.hi {
			continue
		}
		if r.zero {
			return invalid(r.field, fmt.Sprintf("%d: 0 (%s) or %d-%d", r.v, r.what, r.lo, r.hi))
		}
		return invalid(r.field, fmt.Sprintf("%d: must be %d-%d", r.v, r.lo, r.hi))
	}
	if *q.JoinEmpty && q.LeaveWhenEmpty {
		return invalid("leave_when_empty", "not with join_empty: set join_empty false, or leave_when_empty false")
	}
	if q.Music != "" && !validName(q.Music) {
		return invalid("music", fmt.Sprintf("%q: want a music class (a folder name: letters, digits, '-' or '_')", truncateText(q.Music)))
	}
	for _, p := range []struct{ field, v string }{{"intro", q.Intro}, {"periodic_prompt", q.PeriodicPrompt}} {
		if p.v != "" && !validPrompt(p.v) {
			return invalid(p.field, fmt.Sprintf("%q: want a prompt name such as \"queue/periodic\" or a recording token \"rec:ID\"", truncateText(p.v)))
		}
	}
	if (q.PeriodicPrompt != "" || q.PeriodicFrequency != 0) && (q.PeriodicFrequency < 15 || q.PeriodicFrequency > 600) {
		return invalid("periodic_frequency", fmt.Sprintf("%d: must be 15-600", q.PeriodicFrequency))
	}
	if q.NoAnswer != (Destination{}) {
		if err := q.NoAnswer.validate("no_answer"); err != nil {
			return err
		}
		if q.NoAnswer.Kind == DestQueue && q.NoAnswer.Target == q.Number {
			return invalid("no_answer", "the queue itself: callers would never leave it")
		}
	}
	return validCallerIDPrefix(q.CallerIDPrefix) // group.go
}

// validAgents checks the agents' numbers, penalties and duplicates.
func (q *Queue) validAgents() error {
	if len(q.StaticAgents)+len(q.DynamicAgents) > MaxQueueAgents {
		return invalid("static_agents", fmt.Sprintf("at most %d agents, static and dynamic together", MaxQueueAgents))
	}
	seen := map[string]string{}
	check := func(field, ext string) error {
		if validNumber(ext) != nil {
			return invalid(field, fmt.Sprintf("%q: want an extension number of %d-%d digits", truncateText(ext), MinNumberLen, MaxNumberLen))
		}
		if other, dup := seen[ext]; dup {
			return invalid(field, fmt.Sprintf("%s is listed twice (also %s)", ext, other))
		}
		seen[ext] = field
		return nil
	}
	for i, m := range q.StaticAgents {
		field := fmt.Sprintf("static_agents[%d]", i)
		if err := check(field, m.Ext); err != nil {
			return err
		}
		if m.Penalty < 0 || m.Penalty > MaxAgentPenalty {
			return invalid(field+".penalty", fmt.Sprintf("%d: must be 0-%d", m.Penalty, MaxAgentPenalty))
		}
	}
	for i, ext := range q.DynamicAgents {
		if err := check(fmt.Sprintf("dynamic_agents[%d]", i), ext); err != nil {
			return err
		}
	}
	return nil
}

// validPrompt accepts what the sound library plays: a prompt name
// ("queue/periodic", ".wav" optional) or a token ("rec:ID"). The library
// checks the rest when it plays it.
func validPrompt(p string) bool {
	if len(p) > maxPromptLen || strings.Contains(p, "..") || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-./:", c) >= 0) {
			return false
		}
	}
	return p != ""
}

func ptr[T any](v T) *T { return &v }

func queueKey(number string) []byte { return []byte(queuePrefix + number) }

func queueAgentKey(queue, ext string) []byte {
	return []byte(queueAgentPrefix + queue + "/" + ext)
}

// CreateQueue stores a new queue; ErrExists when its number is a queue's
// already. See PutQueue for the other checks. Synced.
func (s *Store) CreateQueue(q Queue) error {
	if err := s.putQueue(q, true); err != nil {
		return fmt.Errorf("create queue %s: %w", q.Number, err)
	}
	return nil
}

// PutQueue creates or replaces a queue (by number, keeping CreatedAt),
// filling the defaults. It refuses (*FieldError) a number that is an
// extension's or a ring group's, a tenant that does not exist, agents that
// are not extensions of the queue's tenant, and a
// no_answer to an extension, group or queue that does not exist, is of
// another tenant or leads back to this queue; it forgets the login and pause state of
// agents no longer in the queue. Synced.
func (s *Store) PutQueue(q Queue) error {
	if err := s.putQueue(q, false); err != nil {
		return fmt.Errorf("put queue %s: %w", q.Number, err)
	}
	return nil
}

func (s *Store) putQueue(q Queue, create bool) error {
	if err := q.Validate(); err != nil {
		return err
	}
	defer s.tenants.forget() // the Tenancy knows each queue's tenant
	return s.update(true, func(txn *badger.Txn) error {
		if err := claimNumber(txn, q.Number, ownerQueue); err != nil {
			return err
		}
		field := func(i int) string {
			if i >= len(q.StaticAgents) {
				return fmt.Sprintf("dynamic_agents[%d]", i-len(q.StaticAgents))
			}
			return fmt.Sprintf("static_agents[%d]", i)
		}
		if err := checkMembers(txn, q.Tenant, q.Agents(), field); err != nil {
			return err
		}
		if err := checkDestination(txn, "no_answer", q.NoAnswer, q.Tenant); err != nil {
			return err
		}
		if err := noAnswerLoop(txn, Destination{Kind: DestQueue, Target: q.Number}, q.NoAnswer); err != nil {
			return err
		}
		now := time.Now().UTC()
		q.CreatedAt, q.UpdatedAt = now, now
		var old Queue
		if err := getRoute(txn, queueKey(q.Number), &old); err == nil {
			if create {
				return ErrExists
			}
			q.CreatedAt = old.CreatedAt
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		agents := q.Agents()
		if err := deleteAgentStates(txn, q.Number, func(ext string) bool { return !slices.Contains(agents, ext) }); err != nil {
			return err
		}
		val, err := marshal(q)
		if err != nil {
			return err
		}
		return txn.Set(queueKey(q.Number), val)
	})
}

// validQueueNumber keeps odd input out of keys: a number that could not
// be stored is certainly absent.
func validQueueNumber(n string) bool {
	return len(n) >= MinQueueNumberLen && len(n) <= MaxQueueNumberLen && isDigits(n)
}

// GetQueue returns a queue; ErrNotFound when absent.
func (s *Store) GetQueue(number string) (Queue, error) {
	if !validQueueNumber(number) {
		return Queue{}, fmt.Errorf("get queue %q: %w", truncateText(number), ErrNotFound)
	}
	var q Queue
	err := s.view(func(txn *badger.Txn) error { return getRoute(txn, queueKey(number), &q) })
	if err != nil {
		return Queue{}, fmt.Errorf("get queue %s: %w", number, err)
	}
	return q, nil
}

// ListQueues returns every queue by number.
func (s *Store) ListQueues() ([]Queue, error) {
	var out []Queue
	err := s.view(func(txn *badger.Txn) error {
		return iterate(txn, queuePrefix, func(item *badger.Item) error {
			var q Queue
			if err := decodeItem(item, &q); err != nil {
				return err
			}
			out = append(out, q)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list queues: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return compareNumbers(out[i].Number, out[j].Number) < 0 })
	return out, nil
}

// DeleteQueue removes a queue and its agents' login and pause state;
// ErrNotFound when absent, a *ConflictError naming the inbound rule, group
// or queue that sends calls to it. Synced.
func (s *Store) DeleteQueue(number string) error {
	if !validQueueNumber(number) {
		return fmt.Errorf("delete queue %q: %w", truncateText(number), ErrNotFound)
	}
	err := s.update(true, func(txn *badger.Txn) error {
		if _, err := txn.Get(queueKey(number)); errors.Is(err, badger.ErrKeyNotFound) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		if err := destinationInUse(txn, Destination{Kind: DestQueue, Target: number}); err != nil {
			return err
		}
		if err := deleteAgentStates(txn, number, func(string) bool { return true }); err != nil {
			return err
		}
		return txn.Delete(queueKey(number))
	})
	s.tenants.forget()
	if err != nil {
		return fmt.Errorf("delete queue %s: %w", number, err)
	}
	return nil
}

// QueueAgentState is a dynamic agent's login, and any agent's pause, in
// one queue: kept so that a restart keeps them.
type QueueAgentState struct {
	Queue       string    `json:"queue"`
	Ext         string    `json:"ext"`
	LoggedIn    bool      `json:"logged_in"` // dynamic agents only; static ones are always in
	Paused      bool      `json:"paused"`
	PauseReason string    `json:"pause_reason,omitempty"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// PutQueueAgent records an agent's state in a queue. ErrNotFound when the
// queue does not exist, a *FieldError when ext is not one of its agents.
// Synced.
func (s *Store) PutQueueAgent(a QueueAgentState) error {
	if len(a.PauseReason) > 128 || !utf8.ValidString(a.PauseReason) || hasControl(a.PauseReason) {
		return fmt.Errorf("put queue agent: %w", invalid("pause_reason", "at most 128 printable characters"))
	}
	err := s.update(true, func(txn *badger.Txn) error {
		var q Queue
		if err := getRoute(txn, queueKey(a.Queue), &q); err != nil {
			return err
		}
		if !slices.Contains(q.Agents(), a.Ext) {
			return invalid("ext", fmt.Sprintf("%s is not an agent of queue %s", truncateText(a.Ext), q.Number))
		}
		if !q.IsDynamic(a.Ext) {
			a.LoggedIn = true
		}
		a.UpdatedAt = time.Now().UTC()
		val, err := marshal(a)
		if err != nil {
			return err
		}
		return txn.Set(queueAgentKey(a.Queue, a.Ext), val)
	})
	if err != nil {
		return fmt.Errorf("put queue %s agent %s: %w", a.Queue, a.Ext, err)
	}
	return nil
}

// ListQueueAgents returns every recorded agent state, by queue then
// extension.
func (s *Store) ListQueueAgents() ([]QueueAgentState, error) {
	var out []QueueAgentState
	err := s.view(func(txn *badger.Txn) error {
		return iterate(txn, queueAgentPrefix, func(item *badger.Item) error {
			var a QueueAgentState
			if err := decodeItem(item, &a); err != nil {
				return err
			}
			out = append(out, a)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list queue agents: %w", err)
	}
	sort.Slice(out, func(i, j int) bool {
		if c := compareNumbers(out[i].Queue, out[j].Queue); c != 0 {
			return c < 0
		}
		return compareNumbers(out[i].Ext, out[j].Ext) < 0
	})
	return out, nil
}

// deleteAgentStates deletes queue's agent records whose extension drop
// says to.
func deleteAgentStates(txn *badger.Txn, queue string, drop func(ext string) bool) error {
	prefix := queueAgentPrefix + queue + "/"
	var keys [][]byte
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix)})
	for it.Rewind(); it.Valid(); it.Next() {
		k := it.Item().KeyCopy(nil)
		if drop(strings.TrimPrefix(string(k), prefix)) {
			keys = append(keys, k)
		}
	}
	it.Close()
	for _, k := range keys {
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
