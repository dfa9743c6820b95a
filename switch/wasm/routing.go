package wasm

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hookswitch/hookswitch/sdk/abi"
	"github.com/hookswitch/hookswitch/switch/hook"
)

// The routing fields of bridges (abi.FeatureRouting), checked with Lua's
// rules (switch/lua/decision.go): trunks make the one target an outside
// number, a time limit hangs up after the answer, a diversion marks a
// forward for the trunk's Diversion header.

// checkTrunks checks a bridge through trunks: 1 to abi.MaxTrunks trunk
// names and exactly one outside number (digits, a leading + allowed).
func checkTrunks(targets, trunks []string) error {
	if len(trunks) > abi.MaxTrunks {
		return fmt.Errorf("field trunks: want 1 to %d trunk names, got %d", abi.MaxTrunks, len(trunks))
	}
	for i, t := range trunks {
		if !hook.ValidUserPart(t) {
			return fmt.Errorf("field trunks[%d]: want a trunk name (1-%d characters of a SIP user part), got %q", i+1, hook.MaxCallerIDLen, truncate(t))
		}
	}
	if len(targets) != 1 {
		return fmt.Errorf("field targets: with trunks, want exactly one outside number, got %d targets", len(targets))
	}
	if n := targets[0]; !hook.IsDigits(strings.TrimPrefix(n, "+"), hook.MaxTargetLen) {
		return fmt.Errorf("field targets[1]: want an outside number (1-%d digits, a leading + allowed), got %q", hook.MaxTargetLen, truncate(n))
	}
	return nil
}

// checkTimeLimit: 0 (none) or abi.MinTimeLimit to abi.MaxTimeLimit.
func checkTimeLimit(d time.Duration) error {
	if d != 0 && (d < abi.MinTimeLimit || d > abi.MaxTimeLimit) {
		return fmt.Errorf("field time_limit: want 0 (none) or %v to %v, got %v", abi.MinTimeLimit, abi.MaxTimeLimit, d)
	}
	return nil
}

// checkDiversion: an optional number or user part, and an optional reason
// of abi.DiversionReasons.
func checkDiversion(number, reason string) error {
	if number != "" && !hook.ValidUserPart(number) {
		return fmt.Errorf("field diversion: want a number or SIP user part (1-%d characters: letters, digits, %s), got %q", hook.MaxCallerIDLen, hook.UserPartSpecial, truncate(number))
	}
	if reason != "" && !slices.Contains(abi.DiversionReasons, reason) {
		return fmt.Errorf("field diversion_reason: want one of %s, got %q", strings.Join(abi.DiversionReasons, ", "), truncate(reason))
	}
	return nil
}
