package store

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/hookswitch/hookswitch/switch/dialrule"
)

const (
	inRoutePrefix  = "route/in/"
	outRoutePrefix = "route/out/"
)

// Limits on route lists: far above real configurations, low enough that
// one record stays small.
const (
	maxRouteTrunks   = 32
	maxRoutePatterns = 64
	maxRouteSources  = 1000
	MinCallTimeLimit = 60    // seconds (seed 004, dial rules)
	MaxCallTimeLimit = 31000 // seconds
)

// Outbound caller-ID choices and trunk methods (SPEC T3).
const (
	CallerIDExtension = "extension" // the extension's outbound CID1 (as cid1), else the trunk's
	CallerIDCID1      = "cid1"      // the extension's outbound CID1, else the trunk's
	CallerIDCID2      = "cid2"      // the extension's outbound CID2, else the trunk's
	CallerIDTrunk     = "trunk"     // the trunk's outbound_cid (its account's, the extension's number)
	MethodLinear      = "linear"    // always the first available trunk first
	MethodLinearCycle = "linear-cycle"
)

// InboundRule routes calls arriving on trunks (SPEC T2): by trunk, DID
// (the To user) and caller number, to one destination while its time
// condition is open and another while it is closed.
//
// Direct rules (seed 004, "Direct Routing") are matched before all others,
// so they bypass the general rules' time conditions; a direct rule that
// names a time condition of its own still honours it (the seed's "unless
// the inbound destination is a time rule").
type InboundRule struct {
	Name   string   `json:"name"`
	Order  int      `json:"order"`  // lower first among rules of the same precedence
	Direct bool     `json:"direct"` // direct routing: matched before every general rule
	Trunks []string `json:"trunks"` // empty: calls from any trunk
	// Tenant, when set, makes the rule a tenant's (SPEC T5): it names
	// trunks the tenant has, its DID lies in the tenant's pool on each,
	// and it matches only calls of that tenant (see MatchTenantInbound).
	Tenant string `json:"tenant,omitempty"`
	// DID is "*" (any) or one number, as the seed's inbound rule takes it.
	DID string `json:"did"`
	// CallerMask selects callers ("0044********", ranges, ';' lists);
	// empty: every caller.
	CallerMask    string      `json:"caller_mask,omitempty"`
	TimeCondition string      `json:"time_condition,omitempty"`
	Destination   Destination `json:"destination"`
	// Closed is where calls go while the time condition is closed;
	// required with a time condition, refused without one.
	Closed    Destination `json:"closed_destination,omitzero"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`

	// compiled forms, set by Validate, so matching parses nothing.
	did      dialrule.Pool
	mask     dialrule.CallerMask
	compiled bool
}

// Validate checks what needs no other record. Errors are *FieldError
// wrapping ErrInvalid.
func (r *InboundRule) Validate() error {
	r.compiled = false
	if !validName(r.Name) {
		return invalid("name", "required: 1-64 letters, digits, '-' or '_'")
	}
	if err := validTrunkList(r.Trunks, false); err != nil {
		return err
	}
	if r.Tenant != "" && !validName(r.Tenant) {
		return invalid("tenant", fmt.Sprintf("%q: want a tenant's name", truncateText(r.Tenant)))
	}
	if r.Tenant != "" && len(r.Trunks) == 0 {
		return invalid("trunks", "a tenant's rule names the tenant's trunks it is for (none is any trunk)")
	}
	did, err := dialrule.ParseInboundDID(r.DID)
	if err != nil {
		return invalid("did", err.Error())
	}
	mask, err := dialrule.ParseMask(r.CallerMask)
	if err != nil {
		return invalid("caller_mask", err.Error())
	}
	if r.TimeCondition != "" && !validName(r.TimeCondition) {
		return invalid("time_condition", fmt.Sprintf("%q: want a time condition's name", truncateText(r.TimeCondition)))
	}
	if err := r.Destination.validate("destination"); err != nil {
		return err
	}
	switch {
	case r.TimeCondition != "" && r.Closed == Destination{}:
		return invalid("closed_destination", "required with a time condition: where calls go while it is closed")
	case r.TimeCondition == "" && r.Closed != Destination{}:
		return invalid("closed_destination", "only with a time condition (set time_condition, or drop it)")
	case r.TimeCondition != "":
		if err := r.Closed.validate("closed_destination"); err != nil {
			return err
		}
	}
	r.did, r.mask, r.compiled = did, mask, true
	return nil
}

// OutboundPattern is one dial pattern of an outbound rule (seed 004, dial
// rules): users dial Prefix then a number matching Pattern; the trunk gets
// Prepend then the number without Prefix.
type OutboundPattern struct {
	Prefix  string `json:"prefix,omitempty"`
	Pattern string `json:"pattern"`
	Prepend string `json:"prepend,omitempty"`
}

// OutboundRule sends calls out through trunks (SPEC T3).
type OutboundRule struct {
	Name     string            `json:"name"`
	Order    int               `json:"order"` // lower first
	Patterns []OutboundPattern `json:"patterns"`
	// Sources are the extensions the rule applies to, or ring groups (their
	// members); "*" is every one.
	Sources []string `json:"sources"`
	// MinLen and MaxLen bound the dialled number's length (prefix
	// included); 0: no bound.
	MinLen        int    `json:"min_len,omitempty"`
	MaxLen        int    `json:"max_len,omitempty"`
	TimeCondition string `json:"time_condition,omitempty"`
	PINSet        string `json:"pin_set,omitempty"`
	// CallerID is "extension" (default), "trunk" or a fixed number.
	CallerID  string    `json:"caller_id,omitempty"`
	TimeLimit int       `json:"time_limit,omitempty"` // seconds of conversation; 0: none
	Trunks    []string  `json:"trunks"`               // tried in this order
	Method    string    `json:"method,omitempty"`     // linear (default) or linear-cycle
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	rules []dialrule.Rule // compiled Patterns, set by Validate
}

// Validate checks what needs no other record and fills the defaults
// (caller_id extension, method linear). Errors are *FieldError wrapping
// ErrInvalid.
func (r *OutboundRule) Validate() error {
	r.rules = nil
	if !validName(r.Name) {
		return invalid("name", "required: 1-64 letters, digits, '-' or '_'")
	}
	if len(r.Patterns) == 0 {
		return invalid("patterns", "at least one dial pattern is required")
	}
	if len(r.Patterns) > maxRoutePatterns {
		return invalid("patterns", fmt.Sprintf("at most %d", maxRoutePatterns))
	}
	if r.MinLen < 0 || r.MinLen > dialrule.MaxLen || r.MaxLen < 0 || r.MaxLen > dialrule.MaxLen {
		return invalid("min_len", fmt.Sprintf("min_len and max_len are 0 (no bound) or 1-%d", dialrule.MaxLen))
	}
	if r.MaxLen != 0 && r.MinLen > r.MaxLen {
		return invalid("max_len", fmt.Sprintf("%d is below min_len %d", r.MaxLen, r.MinLen))
	}
	rules := make([]dialrule.Rule, 0, len(r.Patterns))
	for i, p := range r.Patterns {
		field := fmt.Sprintf("patterns[%d]", i)
		rule, err := dialrule.NewRule(p.Prefix, p.Pattern, p.Prepend)
		if err != nil {
			return invalid(field, err.Error())
		}
		// A pattern whose lengths all fall outside the bounds can never
		// match: say so now rather than leave a dead pattern.
		lo, hi := rule.Pattern.MinLen(), rule.Pattern.MaxLen()
		if r.MaxLen != 0 && lo > r.MaxLen || r.MinLen != 0 && hi != -1 && hi < r.MinLen {
			return invalid(field, fmt.Sprintf("%s matches numbers of %s symbols, outside the length bounds %s: it cannot match",
				rule.Pattern, lenRange(lo, hi), lenRange(r.MinLen, r.MaxLen)))
		}
		rules = append(rules, rule)
	}
	if len(r.Sources) == 0 {
		return invalid("sources", `at least one extension number, or "*" for every extension`)
	}
	if len(r.Sources) > maxRouteSources {
		return invalid("sources", fmt.Sprintf("at most %d", maxRouteSources))
	}
	for i, s := range r.Sources {
		if s == "*" && len(r.Sources) > 1 {
			return invalid(fmt.Sprintf("sources[%d]", i), `"*" (every extension) stands alone`)
		}
		if s != "*" && validNumber(s) != nil {
			return invalid(fmt.Sprintf("sources[%d]", i), fmt.Sprintf(`%q: want an extension number of %d-%d digits or "*"`, truncateText(s), MinNumberLen, MaxNumberLen))
		}
	}
	if r.TimeCondition != "" && !validName(r.TimeCondition) {
		return invalid("time_condition", fmt.Sprintf("%q: want a time condition's name", truncateText(r.TimeCondition)))
	}
	if r.PINSet != "" && !validName(r.PINSet) {
		return invalid("pin_set", fmt.Sprintf("%q: want a PIN set's name", truncateText(r.PINSet)))
	}
	switch r.CallerID {
	case "":
		r.CallerID = CallerIDExtension
	case CallerIDExtension, CallerIDCID1, CallerIDCID2, CallerIDTrunk:
	default:
		if err := validTarget(r.CallerID); err != nil {
			return invalid("caller_id", `want "cid1", "cid2", "extension", "trunk" or a fixed number: `+err.Error())
		}
	}
	if r.TimeLimit != 0 && (r.TimeLimit < MinCallTimeLimit || r.TimeLimit > MaxCallTimeLimit) {
		return invalid("time_limit", fmt.Sprintf("%d: 0 (none) or %d-%d seconds", r.TimeLimit, MinCallTimeLimit, MaxCallTimeLimit))
	}
	if len(r.Trunks) == 0 {
		return invalid("trunks", "at least one trunk is required: a rule with no trunk cannot place a call")
	}
	if err := validTrunkList(r.Trunks, true); err != nil {
		return err
	}
	switch r.Method {
	case "":
		r.Method = MethodLinear
	case MethodLinear, MethodLinearCycle:
	default:
		return invalid("method", fmt.Sprintf("%q: want linear or linear-cycle", truncateText(r.Method)))
	}
	r.rules = rules
	return nil
}

func lenRange(lo, hi int) string {
	switch {
	case lo == hi:
		return fmt.Sprint(lo)
	case hi <= 0:
		return fmt.Sprintf("%d or more", lo)
	case lo == 0:
		return fmt.Sprintf("at most %d", hi)
	}
	return fmt.Sprintf("%d-%d", lo, hi)
}

// validTrunkList checks names and duplicates (not existence).
func validTrunkList(trunks []string, ordered bool) error {
	if len(trunks) > maxRouteTrunks {
		return invalid("trunks", fmt.Sprintf("at most %d", maxRouteTrunks))
	}
	for i, t := range trunks {
		field := fmt.Sprintf("trunks[%d]", i)
		if !validName(t) {
			return invalid(field, fmt.Sprintf("%q: want a trunk's name", truncateText(t)))
		}
		if j := slices.Index(trunks[:i], t); j >= 0 {
			what := "listed twice"
			if ordered {
				what = fmt.Sprintf("listed twice (also trunks[%d]): the order would be ambiguous", j)
			}
			return invalid(field, fmt.Sprintf("%s: %s", t, what))
		}
	}
	return nil
}

// ConflictError refuses a write that clashes with another record: a rule
// that overlaps another, or deleting something a rule uses. It matches
// ErrExists, so the API answers 409.
type ConflictError struct {
	Other string // the record in the way: "inbound rule uk", "outbound rule out"
	Msg   string
}

func (e *ConflictError) Error() string { return e.Msg }

// Is makes errors.Is(err, ErrExists) hold.
func (e *ConflictError) Is(target error) bool { return target == ErrExists }

// checkRefs checks, in the writing transaction, that the trunks, the time
// condition and the PIN set a rule names exist.
func checkRefs(txn *badger.Txn, trunks []string, tc, pinSet string) error {
	for i, t := range trunks {
		if _, err := txn.Get(trunkKey(t)); errors.Is(err, badger.ErrKeyNotFound) {
			return invalid(fmt.Sprintf("trunks[%d]", i), fmt.Sprintf("no trunk named %q", t))
		} else if err != nil {
			return err
		}
	}
	if tc != "" {
		if _, err := txn.Get(tcKey(tc)); errors.Is(err, badger.ErrKeyNotFound) {
			return invalid("time_condition", fmt.Sprintf("no time condition named %q", tc))
		} else if err != nil {
			return err
		}
	}
	if pinSet != "" {
		if _, err := txn.Get(pinSetKey(pinSet)); errors.Is(err, badger.ErrKeyNotFound) {
			return invalid("pin_set", fmt.Sprintf("no PIN set named %q", pinSet))
		} else if err != nil {
			return err
		}
	}
	return nil
}

// inboundConflict says how two inbound rules could both match one call,
// or "" when they cannot. Rules of different precedence (direct or not, a
// DID number or "*") never conflict: the precedence decides between them.
// Within one precedence, rules conflict when their trunks, DIDs and caller
// masks all overlap (seed 001: rules sharing a DID need distinct caller
// masks).
func inboundConflict(a, b *InboundRule) string {
	if a.Direct != b.Direct || a.did.HasAny() != b.did.HasAny() {
		return ""
	}
	trunk := "any trunk"
	switch {
	case len(a.Trunks) == 0 && len(b.Trunks) > 0:
		trunk = "trunk " + b.Trunks[0]
	case len(b.Trunks) == 0 && len(a.Trunks) > 0:
		trunk = "trunk " + a.Trunks[0]
	case len(a.Trunks) > 0:
		i := slices.IndexFunc(a.Trunks, func(t string) bool { return slices.Contains(b.Trunks, t) })
		if i < 0 {
			return ""
		}
		trunk = "trunk " + a.Trunks[i]
	}
	did, ok := dialrule.OverlapWitness(a.did, b.did)
	if !ok {
		return ""
	}
	if a.did.HasAny() {
		did = "any DID"
	} else {
		did = "DID " + did
	}
	caller, ok := dialrule.OverlapWitness(a.mask, b.mask)
	if !ok {
		return ""
	}
	if a.mask.IsEmpty() && b.mask.IsEmpty() {
		caller = "any caller"
	} else {
		caller = "caller " + caller
	}
	return fmt.Sprintf("a call on %s to %s from %s would match both", trunk, did, caller)
}

func inKey(name string) []byte  { return []byte(inRoutePrefix + name) }
func outKey(name string) []byte { return []byte(outRoutePrefix + name) }

// PutInboundRule creates or replaces an inbound rule (by name). It refuses
// unknown trunks or time conditions, and destinations to an extension,
// group or queue that does not exist or is of another tenant than the
// rule's (*FieldError), and a rule that
// overlaps another (*ConflictError naming it, with a call that would
// match both). Synced.
func (s *Store) PutInboundRule(r InboundRule) error {
	if err := r.Validate(); err != nil {
		return fmt.Errorf("put inbound rule: %w", err)
	}
	err := s.update(true, func(txn *badger.Txn) error {
		if err := checkRefs(txn, r.Trunks, r.TimeCondition, ""); err != nil {
			return err
		}
		if err := checkDestination(txn, "destination", r.Destination, r.Tenant); err != nil {
			return err
		}
		if err := checkDestination(txn, "closed_destination", r.Closed, r.Tenant); err != nil {
			return err
		}
		if err := checkRuleTenant(txn, &r); err != nil { // tenant.go
			return err
		}
		now := time.Now().UTC()
		r.CreatedAt, r.UpdatedAt = now, now
		others, err := listInbound(txn)
		if err != nil {
			return err
		}
		for i := range others {
			o := &others[i]
			if o.Name == r.Name {
				r.CreatedAt = o.CreatedAt
				continue
			}
			if !o.compiled {
				continue // a record that no longer validates matches nothing
			}
			if why := inboundConflict(&r, o); why != "" {
				return &ConflictError{Other: "inbound rule " + o.Name,
					Msg: fmt.Sprintf("overlaps inbound rule %s: %s; give them caller masks that do not overlap", o.Name, why)}
			}
		}
		val, err := marshal(r)
		if err != nil {
			return err
		}
		return txn.Set(inKey(r.Name), val)
	})
	if err != nil {
		return fmt.Errorf("put inbound rule %s: %w", r.Name, err)
	}
	return nil
}

// GetInboundRule returns a rule; ErrNotFound when absent.
func (s *Store) GetInboundRule(name string) (InboundRule, error) {
	var r InboundRule
	err := s.view(func(txn *badger.Txn) error { return getRoute(txn, inKey(name), &r) })
	if err != nil {
		return InboundRule{}, fmt.Errorf("get inbound rule %s: %w", name, err)
	}
	r.Validate()
	return r, nil
}

// ListInboundRules returns every inbound rule in match order (see
// MatchInbound): direct rules first, a DID number before "*", then by
// Order and name.
func (s *Store) ListInboundRules() ([]InboundRule, error) {
	var out []InboundRule
	err := s.view(func(txn *badger.Txn) (err error) {
		out, err = listInbound(txn)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list inbound rules: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool { return inboundBefore(&out[i], &out[j]) })
	return out, nil
}

// DeleteInboundRule removes a rule; ErrNotFound when absent. Synced.
func (s *Store) DeleteInboundRule(name string) error {
	if err := s.deleteKey(inKey(name), nil); err != nil {
		return fmt.Errorf("delete inbound rule %s: %w", name, err)
	}
	return nil
}

// PutOutboundRule creates or replaces an outbound rule (by name). It
// refuses unknown trunks, time conditions or PIN sets (*FieldError).
// Synced.
func (s *Store) PutOutboundRule(r OutboundRule) error {
	if err := r.Validate(); err != nil {
		return fmt.Errorf("put outbound rule: %w", err)
	}
	err := s.update(true, func(txn *badger.Txn) error {
		if err := checkRefs(txn, r.Trunks, r.TimeCondition, r.PINSet); err != nil {
			return err
		}
		now := time.Now().UTC()
		r.CreatedAt, r.UpdatedAt = now, now
		var old OutboundRule
		if err := getRoute(txn, outKey(r.Name), &old); err == nil {
			r.CreatedAt = old.CreatedAt
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		val, err := marshal(r)
		if err != nil {
			return err
		}
		return txn.Set(outKey(r.Name), val)
	})
	if err != nil {
		return fmt.Errorf("put outbound rule %s: %w", r.Name, err)
	}
	return nil
}

// GetOutboundRule returns a rule; ErrNotFound when absent.
func (s *Store) GetOutboundRule(name string) (OutboundRule, error) {
	var r OutboundRule
	err := s.view(func(txn *badger.Txn) error { return getRoute(txn, outKey(name), &r) })
	if err != nil {
		return OutboundRule{}, fmt.Errorf("get outbound rule %s: %w", name, err)
	}
	r.Validate()
	return r, nil
}

// ListOutboundRules returns every outbound rule in match order: by Order,
// then name.
func (s *Store) ListOutboundRules() ([]OutboundRule, error) {
	var out []OutboundRule
	err := s.view(func(txn *badger.Txn) (err error) {
		out, err = listOutbound(txn)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list outbound rules: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Order != out[j].Order {
			return out[i].Order < out[j].Order
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// DeleteOutboundRule removes a rule; ErrNotFound when absent. Synced.
func (s *Store) DeleteOutboundRule(name string) error {
	if err := s.deleteKey(outKey(name), nil); err != nil {
		return fmt.Errorf("delete outbound rule %s: %w", name, err)
	}
	return nil
}

func getRoute(txn *badger.Txn, key []byte, v any) error {
	item, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return ErrNotFound
	} else if err != nil {
		return err
	}
	return decodeItem(item, v)
}

// listInbound reads every inbound rule, compiled.
func listInbound(txn *badger.Txn) ([]InboundRule, error) {
	var out []InboundRule
	err := iterate(txn, inRoutePrefix, func(item *badger.Item) error {
		var r InboundRule
		if err := decodeItem(item, &r); err != nil {
			return err
		}
		r.Validate() // compiles; a failure leaves it matching nothing
		out = append(out, r)
		return nil
	})
	return out, err
}

// listOutbound reads every outbound rule, compiled.
func listOutbound(txn *badger.Txn) ([]OutboundRule, error) {
	var out []OutboundRule
	err := iterate(txn, outRoutePrefix, func(item *badger.Item) error {
		var r OutboundRule
		if err := decodeItem(item, &r); err != nil {
			return err
		}
		r.Validate()
		out = append(out, r)
		return nil
	})
	return out, err
}

func iterate(txn *badger.Txn, prefix string, fn func(*badger.Item) error) error {
	it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: true, Prefix: []byte(prefix)})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		if err := fn(it.Item()); err != nil {
			return err
		}
	}
	return nil
}

// routeUsing names the first rule for which uses holds, as a
// *ConflictError; nil when none does. Deleting a trunk, a time condition
// or a PIN set calls it in its transaction (inbound rules have no PIN
// set: "").
func routeUsing(txn *badger.Txn, uses func(trunks []string, tc, pinSet string) bool) error {
	ins, err := listInbound(txn)
	if err != nil {
		return err
	}
	for _, r := range ins {
		if uses(r.Trunks, r.TimeCondition, "") {
			return &ConflictError{Other: "inbound rule " + r.Name,
				Msg: fmt.Sprintf("in use by inbound rule %s: change or remove the rule first", r.Name)}
		}
	}
	outs, err := listOutbound(txn)
	if err != nil {
		return err
	}
	for _, r := range outs {
		if uses(r.Trunks, r.TimeCondition, r.PINSet) {
			return &ConflictError{Other: "outbound rule " + r.Name,
				Msg: fmt.Sprintf("in use by outbound rule %s: change or remove the rule first", r.Name)}
		}
	}
	return nil
}

// trunkInUse refuses deleting a trunk a rule or a tenant names.
func trunkInUse(txn *badger.Txn, name string) error {
	if err := routeUsing(txn, func(trunks []string, _, _ string) bool { return slices.Contains(trunks, name) }); err != nil {
		return err
	}
	return tenantUsingTrunk(txn, name) // tenant.go
}

// timeConditionInUse refuses deleting a time condition a rule names.
func timeConditionInUse(txn *badger.Txn, name string) error {
	return routeUsing(txn, func(_ []string, tc, _ string) bool { return tc == name })
}

// pinSetInUse refuses deleting a PIN set an outbound rule asks for.
func pinSetInUse(txn *badger.Txn, name string) error {
	return routeUsing(txn, func(_ []string, _, pinSet string) bool { return pinSet == name })
}

// inboundRank orders the precedence classes: direct before general, a DID
// number before "*".
func inboundRank(r *InboundRule) int {
	rank := 0
	if !r.Direct {
		rank += 2
	}
	if r.did.HasAny() {
		rank++
	}
	return rank
}

func inboundBefore(a, b *InboundRule) bool {
	if ra, rb := inboundRank(a), inboundRank(b); ra != rb {
		return ra < rb
	}
	if a.Order != b.Order {
		return a.Order < b.Order
	}
	return a.Name < b.Name
}

// MatchInbound picks the rule for a call that came in on trunk, to did,
// from caller: among the rules that match, the first by precedence
// (direct rules, then general ones; within each a DID number before "*";
// then Order and name), whatever the order of rules. open says whether a
// time condition is open now (see OpenAt); the second result is whether
// the rule's time condition is open (true without one), that is whether
// the call goes to Destination rather than Closed. nil when no rule
// matches: the caller falls back to the operator. With rules from
// ListInboundRules it allocates nothing. The call is of no tenant, so
// tenants' rules do not match: see MatchTenantInbound.
func MatchInbound(rules []InboundRule, trunk, did, caller string, open func(timeCondition string) bool) (*InboundRule, bool) {
	return MatchTenantInbound(rules, "", trunk, did, caller, open)
}

// MatchTenantInbound is MatchInbound for a call of tenant (CallTenant: the
// tenant whose DID pool on the trunk holds the DID; "" for none): rules of
// other tenants do not match, rules without a tenant match as always.
func MatchTenantInbound(rules []InboundRule, tenant, trunk, did, caller string, open func(timeCondition string) bool) (*InboundRule, bool) {
	best := -1
	var bestC *InboundRule // the compiled form of rules[best]
	for i := range rules {
		r := &rules[i]
		c := r
		if !r.compiled {
			cp := *r // hand-built rules: compile a copy, never the caller's slice
			if cp.Validate() != nil {
				continue
			}
			c = &cp
		}
		if r.Tenant != "" && r.Tenant != tenant ||
			len(r.Trunks) > 0 && !slices.Contains(r.Trunks, trunk) || !c.did.Contains(did) || !c.mask.Match(caller) {
			continue
		}
		if best < 0 || inboundBefore(c, bestC) {
			best, bestC = i, c
		}
	}
	if best < 0 {
		return nil, false
	}
	r := &rules[best]
	if r.TimeCondition == "" || open == nil {
		return r, true
	}
	return r, open(r.TimeCondition)
}

// OpenAt is MatchInbound's open at time t: it reads the stored time
// conditions (overrides included). A condition that does not exist counts
// as closed, so a call goes to the out-of-hours destination rather than
// to an office nobody set up.
func (s *Store) OpenAt(t time.Time) (func(timeCondition string) bool, error) {
	all, err := s.timeConditions()
	if err != nil {
		return nil, err
	}
	return func(name string) bool {
		tc, ok := all[name]
		return ok && tc.Open(t)
	}, nil
}

// CallerIDFor is the caller number the rule sends for an extension with
// features f (SPEC T3): a fixed number, or the extension's outbound CID1 or
// CID2; "" leaves the choice to the trunk (its outbound CID, else its
// account on register trunks, else the extension's number).
func (r *OutboundRule) CallerIDFor(f Features) string {
	switch r.CallerID {
	case CallerIDTrunk:
		return ""
	case CallerIDExtension, CallerIDCID1, "":
		return f.OutboundCID1
	case CallerIDCID2:
		return f.OutboundCID2
	}
	return r.CallerID
}

// Sends reports whether the rule applies to calls from extension ext, a
// member of the ring groups groups (a source may name a group).
func (r *OutboundRule) Sends(ext string, groups ...string) bool {
	if len(r.Sources) == 1 && r.Sources[0] == "*" || slices.Contains(r.Sources, ext) {
		return true
	}
	for _, g := range groups {
		if slices.Contains(r.Sources, g) {
			return true
		}
	}
	return false
}

// MatchOutbound picks the rule for extension ext (a member of ring groups
// groups) dialling number: the first rule, in the order given
// (ListOutboundRules' order), that applies to ext,
// whose length bounds hold number, and one of whose patterns matches; it
// returns the number to send to the rule's trunks (prefix stripped,
// prepend added). nil and "" when no rule matches. The rule's time
// condition, PIN set and trunk method are for the caller to apply.
func MatchOutbound(rules []OutboundRule, ext, number string, groups ...string) (*OutboundRule, string) {
	for i := range rules {
		r := &rules[i]
		if !r.Sends(ext, groups...) || r.MinLen != 0 && len(number) < r.MinLen || r.MaxLen != 0 && len(number) > r.MaxLen {
			continue
		}
		compiled := r.rules
		if len(compiled) != len(r.Patterns) {
			cp := *r // hand-built rule: compile a copy
			if cp.Validate() != nil {
				continue
			}
			compiled = cp.rules
		}
		for _, p := range compiled {
			if out, ok := p.Rewrite(number); ok {
				return r, out
			}
		}
	}
	return nil, ""
}
