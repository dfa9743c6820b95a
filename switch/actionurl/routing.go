package actionurl

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/hookswitch/hookswitch/switch/hook"
)

// The routing fields of bridges, checked with Lua's rules
// (switch/lua/decision.go): trunks make the one target an outside number,
// a time limit hangs up after the answer, a diversion marks a forward for
// the trunk's Diversion header.

const (
	maxTrunks        = 16
	maxTimeLimitSecs = 86400
)

var diversionReasons = []string{"unconditional", "user-busy", "no-answer", "unavailable", "deflection"}

// checkBridgeTargets checks a bridge's targets: extension numbers, or
// with trunks (1 to maxTrunks trunk names) exactly one outside number,
// digits with an optional leading +.
func checkBridgeTargets(targets, trunks []string) error {
	if trunks == nil {
		return checkTargets("targets", targets)
	}
	if len(trunks) == 0 || len(trunks) > maxTrunks {
		return fmt.Errorf("%w: field \"trunks\": want 1 to %d trunk names, got %d", ErrResponse, maxTrunks, len(trunks))
	}
	for i, t := range trunks {
		if !hook.ValidUserPart(t) {
			return fmt.Errorf("%w: field \"trunks[%d]\": want a trunk name (1-%d characters of a SIP user part), got %q", ErrResponse, i, hook.MaxCallerIDLen, clip(t))
		}
	}
	if len(targets) != 1 {
		return fmt.Errorf("%w: field \"targets\": with trunks, want exactly one outside number, got %d", ErrResponse, len(targets))
	}
	if n := targets[0]; !hook.IsDigits(strings.TrimPrefix(n, "+"), hook.MaxTargetLen) {
		return fmt.Errorf("%w: field \"targets[0]\": want an outside number (1-%d digits, a leading + allowed), got %q", ErrResponse, hook.MaxTargetLen, clip(n))
	}
	return nil
}

// checkTimeLimit turns optional seconds into a duration within [1, 86400].
func checkTimeLimit(v *float64) (time.Duration, error) {
	if v == nil {
		return 0, nil
	}
	if !(*v >= 1 && *v <= maxTimeLimitSecs) { // also refuses NaN
		return 0, fmt.Errorf("%w: field \"time_limit\": want seconds in [1, %d], got %v", ErrResponse, maxTimeLimitSecs, *v)
	}
	return time.Duration(math.Round(*v * float64(time.Second))), nil
}

// checkDiversion accepts an optional number (a SIP user part) and reason.
func checkDiversion(number, reason string) error {
	if err := checkUserPart("diversion", number); err != nil {
		return err
	}
	if reason != "" && !slices.Contains(diversionReasons, reason) {
		return fmt.Errorf("%w: field \"diversion_reason\": want one of %s, got %q", ErrResponse, strings.Join(diversionReasons, ", "), clip(reason))
	}
	return nil
}
