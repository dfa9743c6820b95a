package abi

// HookID numbers the hooks of catalogue version 1 (switch/hook). Zero is
// unknown; bit n of ExportInit's hook mask stands for HookID n.
type HookID uint32

const (
	HookUnknown HookID = iota
	HookRegister
	HookRoute
	HookFailure
	HookAnswer
	HookDTMF
	HookHangup
	HookAuthorize
	HookCDR
	HookMessage
	HookSubscribe
	HookProvision
	HookTimer
	HookEvent
	hookEnd
)

var hookNames = [...]string{"unknown", "register", "route", "failure", "answer", "dtmf", "hangup",
	"authorize", "cdr", "message", "subscribe", "provision", "timer", "event"}

// String is the hook's catalogue name ("route").
func (h HookID) String() string {
	if h < hookEnd {
		return hookNames[h]
	}
	return "unknown"
}

// HookByName is the ID of a catalogue name, HookUnknown if none.
func HookByName(name string) HookID {
	for i, n := range hookNames[1:] {
		if n == name {
			return HookID(i + 1)
		}
	}
	return HookUnknown
}

// Mask is the hook's bit in ExportInit's result.
func (h HookID) Mask() uint32 { return 1 << h }

// ValidHooks are the bits of every known hook.
const ValidHooks uint32 = (1<<hookEnd - 1) &^ 1
