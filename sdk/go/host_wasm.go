//go:build wasip1

package hs

import (
	"time"
	"unsafe"

	"github.com/hookswitch/hookswitch/sdk/abi"
)

// The exports of sdk/abi.

//go:wasmexport hookswitch_abi_version
func exportABIVersion() int32 { return abi.Version }

// hostFeatures are the features the switch offered; layout those of them
// that select encodings (abi.LayoutFeatures), which the SDK always uses
// when offered and tells the switch so in its answer.
var hostFeatures, layout uint32

//go:wasmexport hookswitch_init
func exportInit(features int64) int64 {
	hostFeatures = uint32(features)
	layout = hostFeatures & abi.LayoutFeatures
	return int64(required|layout)<<32 | int64(hookMask)
}

var (
	reqBuf []byte
	out    abi.Writer
)

//go:wasmexport hookswitch_handle
func exportHandle(hook, reqLen int32) int32 {
	if int(reqLen) > cap(reqBuf) {
		reqBuf = make([]byte, reqLen)
	}
	reqBuf = reqBuf[:reqLen]
	if n := hostRequest(ptr(reqBuf), uint32(len(reqBuf))); n != reqLen {
		return fail(errorString("request length changed"))
	}
	if err := dispatch(abi.HookID(hook), reqBuf, &out); err != nil {
		return fail(err)
	}
	hostDecide(ptr(out.B), uint32(len(out.B)))
	return abi.StatusDecided
}

//go:wasmexport hookswitch_program
func exportProgram(id int32) int32 {
	if err := runProgram(uint32(id)); err != nil {
		return fail(err)
	}
	return abi.StatusDecided
}

func fail(err error) int32 {
	msg := err.Error()
	hostFail(strPtr(msg), uint32(len(msg)))
	return abi.StatusFailed
}

func ptr(b []byte) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(b)) }

func strPtr(s string) unsafe.Pointer { return unsafe.Pointer(unsafe.StringData(s)) }

// The imports of sdk/abi.

//go:wasmimport hookswitch request
func hostRequest(buf unsafe.Pointer, limit uint32) int32

//go:wasmimport hookswitch decide
func hostDecide(p unsafe.Pointer, n uint32)

//go:wasmimport hookswitch fail
func hostFail(p unsafe.Pointer, n uint32)

//go:wasmimport hookswitch result
func hostResult(buf unsafe.Pointer, limit uint32) int32

//go:wasmimport hookswitch log
func hostLog(level int32, p unsafe.Pointer, n uint32)

//go:wasmimport hookswitch config_extension
func hostConfigExtension(p unsafe.Pointer, n uint32, buf unsafe.Pointer, limit uint32) int32

//go:wasmimport hookswitch config_extensions
func hostConfigExtensions(buf unsafe.Pointer, limit uint32) int32

//go:wasmimport hookswitch kv_get
func hostKVGet(p unsafe.Pointer, n uint32, buf unsafe.Pointer, limit uint32) int32

//go:wasmimport hookswitch kv_set
func hostKVSet(kp unsafe.Pointer, kn uint32, vp unsafe.Pointer, vn uint32, ttlMS int64) int32

//go:wasmimport hookswitch kv_delete
func hostKVDelete(p unsafe.Pointer, n uint32) int32

//go:wasmimport hookswitch kv_add
func hostKVAdd(p unsafe.Pointer, n uint32, delta int64, buf unsafe.Pointer, limit uint32) int32

//go:wasmimport hookswitch http
func hostHTTP(p unsafe.Pointer, n uint32, buf unsafe.Pointer, limit uint32) int32

//go:wasmimport hookswitch call_answer
func hostCallAnswer() int32

//go:wasmimport hookswitch call_hangup
func hostCallHangup(code int32, p unsafe.Pointer, n uint32) int32

//go:wasmimport hookswitch call_bridge
func hostCallBridge(p unsafe.Pointer, n uint32, buf unsafe.Pointer, limit uint32) int32

//go:wasmimport hookswitch call_transfer
func hostCallTransfer(p unsafe.Pointer, n uint32) int32

//go:wasmimport hookswitch call_sleep
func hostCallSleep(ms int64) int32

//go:wasmimport hookswitch call_play
func hostCallPlay(p unsafe.Pointer, n uint32) int32

//go:wasmimport hookswitch call_collect
func hostCallCollect(p unsafe.Pointer, n uint32, buf unsafe.Pointer, limit uint32) int32

//go:wasmimport hookswitch call_record
func hostCallRecord(p unsafe.Pointer, n uint32, buf unsafe.Pointer, limit uint32) int32

//go:wasmimport hookswitch call_play_ex
func hostCallPlayEx(p unsafe.Pointer, n uint32) int32

//go:wasmimport hookswitch call_collect_ex
func hostCallCollectEx(p unsafe.Pointer, n uint32, buf unsafe.Pointer, limit uint32) int32

//go:wasmimport hookswitch call_record_ex
func hostCallRecordEx(p unsafe.Pointer, n uint32, buf unsafe.Pointer, limit uint32) int32

//go:wasmimport hookswitch call_conference
func hostCallConference(p unsafe.Pointer, n uint32, buf unsafe.Pointer, limit uint32) int32

//go:wasmimport hookswitch call_send_digits
func hostCallSendDigits(p unsafe.Pointer, n uint32) int32

//go:wasmimport hookswitch call_queue
func hostCallQueue(p unsafe.Pointer, n uint32, buf unsafe.Pointer, limit uint32) int32

// wasmHost is Host over the imports.
type wasmHost struct{}

var host Host = wasmHost{}

// resBuf receives values; it grows when one does not fit (the buffer
// convention: call ImportResult for the same value again).
var resBuf = make([]byte, 4096)

// value turns an import's result n into its bytes or its error.
func value(n int32) ([]byte, error) {
	if n < 0 {
		return nil, importError(n)
	}
	if int(n) > len(resBuf) {
		resBuf = make([]byte, n)
		if m := hostResult(ptr(resBuf), uint32(len(resBuf))); m != n {
			return nil, errorString("result length changed")
		}
	}
	return resBuf[:n], nil
}

// importError is the error of a negative result, with the host's text.
func importError(n int32) error {
	switch n {
	case abi.ErrNotFound:
		return ErrNotFound
	case abi.ErrHungUp:
		return ErrHungUp
	case abi.ErrNotAvailable:
		return ErrNotAvailable
	case abi.ErrState:
		return ErrState
	}
	m := hostResult(ptr(resBuf), uint32(len(resBuf)))
	if m < 0 || int(m) > len(resBuf) {
		return errorString("host error")
	}
	return errorString(string(resBuf[:m]))
}

func status(n int32) error {
	if n < 0 {
		return importError(n)
	}
	return nil
}

func (wasmHost) Log(level int, msg string) { hostLog(int32(level), strPtr(msg), uint32(len(msg))) }

func (wasmHost) Extension(number string) (Extension, bool) {
	b, err := value(hostConfigExtension(strPtr(number), uint32(len(number)), ptr(resBuf), uint32(len(resBuf))))
	if err != nil {
		return Extension{}, false
	}
	var e Extension
	r := abi.NewReader(b)
	r.Features = layout
	e.Decode(r)
	return e, r.Err() == nil
}

func (wasmHost) Extensions() []Extension {
	b, err := value(hostConfigExtensions(ptr(resBuf), uint32(len(resBuf))))
	if err != nil {
		return nil
	}
	r := abi.NewReader(b)
	r.Features = layout
	n := r.Count("extensions", 16)
	out := make([]Extension, n)
	for i := range out {
		out[i].Decode(r)
	}
	if r.Err() != nil {
		return nil
	}
	return out
}

func (wasmHost) KVGet(key string) (string, bool, error) {
	b, err := value(hostKVGet(strPtr(key), uint32(len(key)), ptr(resBuf), uint32(len(resBuf))))
	if err == ErrNotFound {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return string(b), true, nil
}

func (wasmHost) KVSet(key, val string, ttl time.Duration) error {
	return status(hostKVSet(strPtr(key), uint32(len(key)), strPtr(val), uint32(len(val)), ttl.Milliseconds()))
}

func (wasmHost) KVDelete(key string) error {
	return status(hostKVDelete(strPtr(key), uint32(len(key))))
}

func (wasmHost) KVAdd(key string, delta int64) (int64, error) {
	b, err := value(hostKVAdd(strPtr(key), uint32(len(key)), delta, ptr(resBuf), uint32(len(resBuf))))
	if err != nil {
		return 0, err
	}
	r := abi.NewReader(b)
	sum := r.I64("sum")
	if err := r.Err(); err != nil {
		return 0, errorString("kv_add: " + err.Error())
	}
	return sum, nil
}

func (wasmHost) HTTP(req HTTPRequest) (HTTPResponse, error) {
	var w abi.Writer
	req.Append(&w)
	b, err := value(hostHTTP(ptr(w.B), uint32(len(w.B)), ptr(resBuf), uint32(len(resBuf))))
	if err != nil {
		return HTTPResponse{}, err
	}
	var resp HTTPResponse
	r := abi.NewReader(b)
	resp.Decode(r)
	return resp, r.Err()
}

func (wasmHost) Answer() error { return status(hostCallAnswer()) }

func (wasmHost) Hangup(code int, reason string) error {
	return status(hostCallHangup(int32(code), strPtr(reason), uint32(len(reason))))
}

func (wasmHost) Bridge(spec BridgeSpec) (BridgeResult, error) {
	w := abi.Writer{Features: layout} // Call.Bridge checked spec.Needs()
	spec.Append(&w)
	b, err := value(hostCallBridge(ptr(w.B), uint32(len(w.B)), ptr(resBuf), uint32(len(resBuf))))
	if err != nil {
		return BridgeResult{}, err
	}
	var res BridgeResult
	r := abi.NewReader(b)
	res.Decode(r)
	return res, r.Err()
}

func (wasmHost) Transfer(target string) error {
	return status(hostCallTransfer(strPtr(target), uint32(len(target))))
}

func (wasmHost) Sleep(d time.Duration) error { return status(hostCallSleep(d.Milliseconds())) }

func (wasmHost) Play(spec PlaySpec) error {
	var w abi.Writer
	spec.Append(&w)
	return status(hostCallPlay(ptr(w.B), uint32(len(w.B))))
}

func (wasmHost) Collect(spec CollectSpec) (string, error) {
	var w abi.Writer
	spec.Append(&w)
	b, err := value(hostCallCollect(ptr(w.B), uint32(len(w.B)), ptr(resBuf), uint32(len(resBuf))))
	return string(b), err
}

func (wasmHost) Record(spec RecordSpec) (string, error) {
	var w abi.Writer
	spec.Append(&w)
	b, err := value(hostCallRecord(ptr(w.B), uint32(len(w.B)), ptr(resBuf), uint32(len(resBuf))))
	return string(b), err
}

func (wasmHost) PlayEx(spec PlayExSpec) error {
	var w abi.Writer
	spec.Append(&w)
	return status(hostCallPlayEx(ptr(w.B), uint32(len(w.B))))
}

func (wasmHost) CollectEx(spec CollectExSpec) (string, error) {
	var w abi.Writer
	spec.Append(&w)
	b, err := value(hostCallCollectEx(ptr(w.B), uint32(len(w.B)), ptr(resBuf), uint32(len(resBuf))))
	return string(b), err
}

func (wasmHost) RecordEx(spec RecordExSpec) (RecordResult, error) {
	var w abi.Writer
	spec.Append(&w)
	b, err := value(hostCallRecordEx(ptr(w.B), uint32(len(w.B)), ptr(resBuf), uint32(len(resBuf))))
	if err != nil {
		return RecordResult{}, err
	}
	var res RecordResult
	r := abi.NewReader(b)
	res.Decode(r)
	return res, r.Err()
}

func (wasmHost) Conference(spec ConferenceSpec) (ConferenceResult, error) {
	var w abi.Writer
	spec.Append(&w)
	b, err := value(hostCallConference(ptr(w.B), uint32(len(w.B)), ptr(resBuf), uint32(len(resBuf))))
	if err != nil {
		return ConferenceResult{}, err
	}
	var res ConferenceResult
	r := abi.NewReader(b)
	res.Decode(r)
	return res, r.Err()
}

func (wasmHost) SendDigits(digits string) error {
	return status(hostCallSendDigits(strPtr(digits), uint32(len(digits))))
}

func (wasmHost) Queue(spec QueueSpec) (QueueResult, error) {
	var w abi.Writer
	spec.Append(&w)
	b, err := value(hostCallQueue(ptr(w.B), uint32(len(w.B)), ptr(resBuf), uint32(len(resBuf))))
	if err != nil {
		return QueueResult{}, err
	}
	var res QueueResult
	r := abi.NewReader(b)
	res.Decode(r)
	return res, r.Err()
}
