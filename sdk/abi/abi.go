// Package abi is the contract between hookswitch (the host) and a
// WebAssembly plugin (the guest): the host module's name, every import and
// export with its signature, the versioning rule, the buffer convention,
// the feature bits negotiated at start and the byte layout of every hook
// request and decision. It imports only the standard library, so that a
// guest SDK in Go can use it and authors in other languages can read it as
// the specification (sdk/ABI.md explains it in prose).
//
// # Lifecycle
//
// The host compiles a plugin once per generation and checks, before
// running anything, that every export below that the plugin has carries
// the documented signature and that it imports nothing but the functions
// of ModuleName and WASI preview 1. It then instantiates the plugin (one
// instance at once, to fail fast; more on demand, pooled: an instance is
// never used by two hook calls at the same time) and, per instance:
//
//  1. calls "_initialize" if exported (WASI reactors, Go c-shared);
//  2. calls ExportABIVersion and refuses a version it does not support;
//  3. calls ExportInit with the host's feature bits; the answer names the
//     hooks the plugin implements and the features it requires.
//
// A hook call is one call of ExportHandle. The guest pulls the encoded
// request with ImportRequest, and answers with ImportDecide (status 0) or
// ImportFail (status 1).
//
// # Versioning
//
// Version changes only when the meaning or the encoding of something that
// exists changes. Additions (a hook, an import, an optional export, a
// feature bit, a decision field appended after the existing ones is NOT an
// addition: it changes an encoding) keep the version; a guest learns what
// the host offers from the feature bits and from the hook mask it is asked
// about. A new import comes with a new feature bit that the host offers
// (FeatureKVAdd for ImportKVAdd, FeatureMedia for the media primitives,
// FeatureQueue for ImportCallQueue); a guest that imports it requires the
// bit, so that a host without it refuses the guest at start with the
// reason.
//
// Fields appended to existing messages are an addition only behind a
// feature bit that the guest sets in its answer to ExportInit
// (FeatureRouting): the host then uses the longer layouts with that guest,
// and the original ones with every guest that does not set the bit (built
// before it existed), so neither side ever meets bytes it does not expect.
// Writer.Features and Reader.Features select the layouts. The host runs
// guests of versions MinVersion to Version.
//
// # Buffer convention
//
// An import that returns bytes takes (buf, buf_limit): the host writes the
// value into the guest's memory at buf only when it fits (length <=
// buf_limit) and always returns the value's true length. A guest whose
// buffer was too small grows it and calls ImportResult, which returns the
// same value again without repeating the operation (an HTTP request is not
// sent twice). Negative returns are the Err* codes; the error's text is
// then the value that ImportResult returns.
//
// All integers are little endian. Pointers and lengths are i32 offsets
// into the guest's exported memory ("memory").
package abi

import "time"

// ModuleName is the Wasm module name of every host import.
const ModuleName = "hookswitch"

// Version is the ABI version this package describes; MinVersion is the
// oldest the host still runs.
const (
	Version    = 1
	MinVersion = 1
)

// Guest exports.
const (
	// ExportMemory is the guest's linear memory, which the host reads and
	// writes through the buffer convention.
	ExportMemory = "memory"
	// ExportInitialize is the WASI reactor initializer: () -> (). Optional;
	// called once per instance before anything else.
	ExportInitialize = "_initialize"
	// ExportABIVersion: () -> i32, the ABI version the guest was built for.
	ExportABIVersion = "hookswitch_abi_version"
	// ExportInit: (host_features i64) -> i64. The low 32 bits of the result
	// are the hooks the guest implements (bit n set for HookID n), the high
	// 32 bits the features it cannot work without, and the layout features
	// (LayoutFeatures) whose encodings it uses. The host refuses a guest
	// that requires a feature it lacks, or that implements no hook.
	ExportInit = "hookswitch_init"
	// ExportHandle: (hook i32, request_len i32) -> i32. Answers one hook
	// call: hook is a HookID, request_len the length of the encoded
	// request (read it with ImportRequest). Returns StatusDecided after
	// ImportDecide, StatusFailed after ImportFail.
	ExportHandle = "hookswitch_handle"
	// ExportProgram: (program i32) -> i32. Optional; needed by a guest
	// whose route or failure decisions are call programs (FeatureProgram).
	// Runs the program that a decision of this instance named, on the same
	// instance; the call primitives (ImportCall*) may be used while it
	// runs. Returns StatusDecided when the program ended normally,
	// StatusFailed (after ImportFail) otherwise.
	ExportProgram = "hookswitch_program"
)

// Results of ExportHandle and ExportProgram.
const (
	StatusDecided = 0
	StatusFailed  = 1
)

// Host imports (module ModuleName). Signatures use Wasm types; "buf,
// limit" follow the buffer convention.
const (
	// ImportRequest: (buf i32, limit i32) -> i32. The current call's encoded
	// request.
	ImportRequest = "request"
	// ImportDecide: (ptr i32, len i32) -> (). The encoded decision; the
	// host copies it (the guest may reuse the memory at once). A second
	// call replaces the first.
	ImportDecide = "decide"
	// ImportFail: (ptr i32, len i32) -> (). Why the call failed, UTF-8
	// (at most MaxErrorLen bytes are kept). The hook's failure policy then
	// decides for the caller.
	ImportFail = "fail"
	// ImportResult: (buf i32, limit i32) -> i32. The value of the last
	// import that returned bytes (or its error text), again.
	ImportResult = "result"
	// ImportLog: (level i32, ptr i32, len i32) -> (). One line of the
	// plugin's log at a Log* level; at most MaxLogLines lines of
	// MaxLogLen bytes per hook call are kept.
	ImportLog = "log"
	// ImportConfigExtension: (number_ptr i32, number_len i32, buf i32,
	// limit i32) -> i32. The extension as an encoded Extension, or
	// ErrNotFound.
	ImportConfigExtension = "config_extension"
	// ImportConfigExtensions: (buf i32, limit i32) -> i32. Every extension:
	// u32 count, then count encoded Extensions.
	ImportConfigExtensions = "config_extensions"
	// ImportKVGet: (key_ptr i32, key_len i32, buf i32, limit i32) -> i32.
	// The value, ErrNotFound or ErrFailed. Keys live in the plugin's own
	// namespace.
	ImportKVGet = "kv_get"
	// ImportKVSet: (key_ptr i32, key_len i32, val_ptr i32, val_len i32,
	// ttl_ms i64) -> i32. 0 or ErrFailed; ttl_ms 0 keeps the value forever.
	// Values are at most MaxKVValue bytes.
	ImportKVSet = "kv_set"
	// ImportKVDelete: (key_ptr i32, key_len i32) -> i32. 0 or ErrFailed.
	ImportKVDelete = "kv_delete"
	// ImportKVAdd: (key_ptr i32, key_len i32, delta i64, buf i32, limit
	// i32) -> i32. Adds delta to the integer stored under the key and
	// returns the sum, atomically (as Redis INCRBY): concurrent adds from
	// other instances are never lost. A missing key counts as 0; the sum
	// is stored as base-10 text ("-42", readable with ImportKVGet) and
	// keeps the key's expiry. The result follows the buffer convention: 8
	// bytes, the sum as a little-endian i64 (so it returns 8, and
	// ImportResult gives the same sum again without adding twice); or
	// ErrFailed when the stored value is not a base-10 int64, the sum
	// overflows an int64 (nothing is written then) or the store fails.
	// Offered with FeatureKVAdd, which a guest that imports it requires.
	ImportKVAdd = "kv_add"
	// ImportHTTP: (req_ptr i32, req_len i32, buf i32, limit i32) -> i32. An
	// HTTP request (encoded HTTPRequest) to a host of the switch's allow
	// list, within what is left of the call's budget; the encoded
	// HTTPResponse, or ErrFailed.
	ImportHTTP = "http"

	// Call primitives, usable only while ExportProgram runs (ErrState
	// otherwise). They block until done; time blocked does not count
	// against the program's budget. ErrHungUp means the caller went away:
	// the program should return.

	// ImportCallAnswer: () -> i32. 0 or an Err* code.
	ImportCallAnswer = "call_answer"
	// ImportCallHangup: (code i32, reason_ptr i32, reason_len i32) -> i32.
	ImportCallHangup = "call_hangup"
	// ImportCallBridge: (spec_ptr i32, spec_len i32, buf i32, limit i32) ->
	// i32. spec is an encoded BridgeSpec; the result an encoded
	// BridgeResult.
	ImportCallBridge = "call_bridge"
	// ImportCallTransfer: (target_ptr i32, target_len i32) -> i32.
	ImportCallTransfer = "call_transfer"
	// ImportCallSleep: (ms i64) -> i32.
	ImportCallSleep = "call_sleep"
	// ImportCallPlay: (spec_ptr i32, spec_len i32) -> i32. spec is an
	// encoded PlaySpec.
	ImportCallPlay = "call_play"
	// ImportCallCollect: (spec_ptr i32, spec_len i32, buf i32, limit i32)
	// -> i32. spec is an encoded CollectSpec; the result the digits.
	ImportCallCollect = "call_collect"
	// ImportCallRecord: (spec_ptr i32, spec_len i32, buf i32, limit i32) ->
	// i32. spec is an encoded RecordSpec; the result the file name.
	ImportCallRecord = "call_record"

	// The media primitives, an addition to version 1 offered with
	// FeatureMedia, which a guest that imports one of them requires. They
	// take the options of the switch's call programs (sdk/lua.md): tones,
	// several prompts, inter-digit timeouts, recording results,
	// conferences, sending DTMF. Their arguments are checked as the older
	// call_* imports' are: ErrFailed with the reason when one is wrong.

	// ImportCallPlayEx: (spec_ptr i32, spec_len i32) -> i32. spec is an
	// encoded PlayExSpec (a file or a tone).
	ImportCallPlayEx = "call_play_ex"
	// ImportCallCollectEx: (spec_ptr i32, spec_len i32, buf i32, limit i32)
	// -> i32. spec is an encoded CollectExSpec; the result the digits.
	ImportCallCollectEx = "call_collect_ex"
	// ImportCallRecordEx: (spec_ptr i32, spec_len i32, buf i32, limit i32)
	// -> i32. spec is an encoded RecordExSpec; the result an encoded
	// RecordResult.
	ImportCallRecordEx = "call_record_ex"
	// ImportCallConference: (spec_ptr i32, spec_len i32, buf i32, limit
	// i32) -> i32. spec is an encoded ConferenceSpec; blocks while the
	// caller is in the room; the result an encoded ConferenceResult.
	ImportCallConference = "call_conference"
	// ImportCallSendDigits: (digits_ptr i32, digits_len i32) -> i32. Sends
	// 1 to MaxDigits DTMF keys (0-9 * # A-D) to the caller.
	ImportCallSendDigits = "call_send_digits"

	// ImportCallQueue: (spec_ptr i32, spec_len i32, buf i32, limit i32) ->
	// i32. spec is an encoded QueueSpec; blocks while the caller waits in
	// the queue and, once an agent answers, until that call ends; the
	// result an encoded QueueResult. An addition to version 1, offered with
	// FeatureQueue, which a guest that imports it requires.
	ImportCallQueue = "call_queue"
)

// Negative results of imports. The error's text is available through
// ImportResult.
const (
	ErrNotFound     = -1 // no such extension or key
	ErrFailed       = -2 // the operation failed (store, network, bad argument)
	ErrHungUp       = -3 // the caller hung up: a program should return
	ErrNotAvailable = -4 // the primitive is not available in this release
	ErrState        = -5 // not possible now (no program running, answered twice...)
)

// Feature bits (ExportInit). The host offers every feature it has; a
// guest lists those it requires.
const (
	FeatureLog     uint32 = 1 << 0 // ImportLog
	FeatureConfig  uint32 = 1 << 1 // ImportConfigExtension(s)
	FeatureKV      uint32 = 1 << 2 // ImportKV*
	FeatureHTTP    uint32 = 1 << 3 // ImportHTTP
	FeatureProgram uint32 = 1 << 4 // ExportProgram and ImportCall*
	FeatureKVAdd   uint32 = 1 << 5 // ImportKVAdd (an addition to version 1)
	FeatureMedia   uint32 = 1 << 6 // ImportCallPlayEx, ...CollectEx, ...RecordEx, ...Conference, ...SendDigits (an addition to version 1)
	// FeatureRouting selects the routing layouts (an addition to version
	// 1): RouteRequest.Trunk, BridgeSpec.Trunks and TimeLimit, and
	// RouteDecision.Diversion and DiversionReason. Unlike the other bits it
	// changes encodings rather than adding an import, so a guest sets it
	// in its answer only when the host offers it (sdk/go does) or when it
	// cannot work without trunks; see Versioning.
	FeatureRouting uint32 = 1 << 7
	FeatureQueue   uint32 = 1 << 8 // ImportCallQueue (an addition to version 1)
	// FeatureSettings selects the settings layouts (an addition to version
	// 1): RouteRequest.Language, and Extension's per-extension settings
	// (tenant, codecs, dtmf_mode, recording, language, pickup_group,
	// call_waiting, voicemail). A layout bit like FeatureRouting: a guest
	// sets it in its answer when the host offers it (sdk/go does).
	FeatureSettings uint32 = 1 << 9
)

// LayoutFeatures are the feature bits that change encodings rather than
// add imports: the host uses the layouts of those a guest sets.
const LayoutFeatures = FeatureRouting | FeatureSettings

// Log levels of ImportLog.
const (
	LogInfo  = 0
	LogWarn  = 1
	LogError = 2
)

// Limits the host enforces.
const (
	MaxErrorLen = 512
	MaxLogLines = 32
	MaxLogLen   = 1024
	MaxKVValue  = 64 << 10
	// KVAddResultLen is the length of ImportKVAdd's result: an i64.
	KVAddResultLen = 8
	// MaxDecision bounds an encoded decision (a provision body fits).
	MaxDecision = 1 << 20
)

// Limits of the call primitives' arguments (the same as for Lua's call
// programs). A primitive called with an argument outside them returns
// ErrFailed with the reason.
const (
	// DTMFKeys are the keys of digits and terminators.
	DTMFKeys = "0123456789*#ABCD"
	// MaxDigits bounds a collect's max and ImportCallSendDigits.
	MaxDigits = 64
	// MaxFileLen bounds a file, tone, room or name: 1 to MaxFileLen bytes
	// of UTF-8 without control characters.
	MaxFileLen = 256
	// MaxPrompts bounds CollectExSpec.Prompts.
	MaxPrompts = 32
	// MaxLoops bounds a play's loops.
	MaxLoops = 100
	// MaxRecordKeys bounds RecordExSpec.Terminator.
	MaxRecordKeys = 4
	// MaxMembers bounds ConferenceSpec.MaxMembers.
	MaxMembers = 1000
	// MaxRecord bounds a recording's max_duration and a play's duration.
	MaxRecord = time.Hour
	// MaxWait bounds a collect's timeout and inter_digit and a recording's
	// silence.
	MaxWait = 600 * time.Second
)

// Limits of the routing fields (FeatureRouting) and the queue primitive
// (FeatureQueue), the same as for Lua. A decision or spec outside them
// fails the call (a decision) or returns ErrFailed with the reason (a
// primitive).
const (
	// MaxTrunks bounds BridgeSpec.Trunks; each is a trunk name, a SIP user
	// part of at most 64 bytes. With trunks, Targets is exactly one outside
	// number: 1-32 digits, a leading + allowed.
	MaxTrunks = 16
	// MinTimeLimit and MaxTimeLimit bound BridgeSpec.TimeLimit when set.
	MinTimeLimit = time.Second
	MaxTimeLimit = 24 * time.Hour
	// MaxQueuePriority bounds QueueSpec.Priority.
	MaxQueuePriority = 100
)

// DiversionReasons are the values of RouteDecision.DiversionReason (RFC
// 5806), besides "" for none.
var DiversionReasons = []string{"unconditional", "user-busy", "no-answer", "unavailable", "deflection"}
