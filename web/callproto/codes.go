package callproto

// ACK codes (seed 000 section 4.3.1). -1 means a different refusal for
// each op (see CommandSpec.Codes); the others mean the same everywhere
// they are listed.
const (
	CodeProcessing = 0  // accepted; the outcome follows as events
	CodeRefused    = -1 // op-specific: already/not registered, no such call (1005 only), BLF limit...
	CodeParamError = -2 // a field is missing or malformed; reason says which
	CodeNoResource = -3 // the switch cannot take it now (media ports, sessions)
	CodeNoSuchCall = -4 // cid names no call of this session
)

// Register states (event 9001 state). Any other value is a SIP status,
// negated: -403 means the registration was refused with 403.
const (
	RegRegistered     = 0
	RegUnregistered   = -1
	RegTimeout        = -2
	RegContactUpdated = -3
)

// Call states (event 9004 state; 9007 uses 0-2).
const (
	CallDisconnected = 0
	CallRinging      = 1
	CallConnected    = 2
	CallLocalHold    = 3
	CallRemoteHold   = 4
)

// Call modify types (op 1007 type).
const (
	ModifyUnhold       = 0
	ModifyHold         = 1
	ModifyRetrieve     = 2 // drop the second call, back to the first
	ModifyRefreshVideo = 3
)

// BLF monitor actions (op 1014 blf).
const (
	BLFStop  = 0 // stop ext, or all when ext is empty
	BLFStart = 1
	BLFList  = 2 // the ACK's ext lists the monitored extensions
)

// Browser types (op 1001 btype), informational.
const (
	BrowserChrome  = 0
	BrowserFirefox = 1
	BrowserOpera   = 2
	BrowserEdge    = 3
	BrowserSafari  = 4
)

// Message report codes (event 9006 code). Any other value is a SIP
// status, negated.
const (
	ReportSent    = 0
	ReportTimeout = -1
)
