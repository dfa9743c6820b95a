package wasm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/hookswitch/hookswitch/sdk/abi"
)

// hostFunc is one import of module abi.ModuleName.
type hostFunc struct {
	sig sig
	fn  func(inst *instance, stack []uint64)
}

// hostFuncs is the host module: the same primitives as the Lua modules
// (log, config, kv, http) and the call primitives of programs.
var hostFuncs = map[string]hostFunc{
	abi.ImportRequest:          {sig{[]api.ValueType{i32, i32}, []api.ValueType{i32}}, hostRequest},
	abi.ImportDecide:           {sig{[]api.ValueType{i32, i32}, nil}, hostDecide},
	abi.ImportFail:             {sig{[]api.ValueType{i32, i32}, nil}, hostFail},
	abi.ImportResult:           {sig{[]api.ValueType{i32, i32}, []api.ValueType{i32}}, hostResult},
	abi.ImportLog:              {sig{[]api.ValueType{i32, i32, i32}, nil}, hostLog},
	abi.ImportConfigExtension:  {sig{[]api.ValueType{i32, i32, i32, i32}, []api.ValueType{i32}}, hostConfigExtension},
	abi.ImportConfigExtensions: {sig{[]api.ValueType{i32, i32}, []api.ValueType{i32}}, hostConfigExtensions},
	abi.ImportKVGet:            {sig{[]api.ValueType{i32, i32, i32, i32}, []api.ValueType{i32}}, hostKVGet},
	abi.ImportKVSet:            {sig{[]api.ValueType{i32, i32, i32, i32, i64}, []api.ValueType{i32}}, hostKVSet},
	abi.ImportKVDelete:         {sig{[]api.ValueType{i32, i32}, []api.ValueType{i32}}, hostKVDelete},
	abi.ImportKVAdd:            {sig{[]api.ValueType{i32, i32, i64, i32, i32}, []api.ValueType{i32}}, hostKVAdd},
	abi.ImportHTTP:             {sig{[]api.ValueType{i32, i32, i32, i32}, []api.ValueType{i32}}, hostHTTP},
	abi.ImportCallAnswer:       {sig{nil, []api.ValueType{i32}}, callAnswer},
	abi.ImportCallHangup:       {sig{[]api.ValueType{i32, i32, i32}, []api.ValueType{i32}}, callHangup},
	abi.ImportCallBridge:       {sig{[]api.ValueType{i32, i32, i32, i32}, []api.ValueType{i32}}, callBridge},
	abi.ImportCallTransfer:     {sig{[]api.ValueType{i32, i32}, []api.ValueType{i32}}, callTransfer},
	abi.ImportCallSleep:        {sig{[]api.ValueType{i64}, []api.ValueType{i32}}, callSleep},
	abi.ImportCallPlay:         {sig{[]api.ValueType{i32, i32}, []api.ValueType{i32}}, callPlay},
	abi.ImportCallCollect:      {sig{[]api.ValueType{i32, i32, i32, i32}, []api.ValueType{i32}}, callCollect},
	abi.ImportCallRecord:       {sig{[]api.ValueType{i32, i32, i32, i32}, []api.ValueType{i32}}, callRecord},
	abi.ImportCallPlayEx:       {sig{[]api.ValueType{i32, i32}, []api.ValueType{i32}}, callPlayEx},
	abi.ImportCallCollectEx:    {sig{[]api.ValueType{i32, i32, i32, i32}, []api.ValueType{i32}}, callCollectEx},
	abi.ImportCallRecordEx:     {sig{[]api.ValueType{i32, i32, i32, i32}, []api.ValueType{i32}}, callRecordEx},
	abi.ImportCallConference:   {sig{[]api.ValueType{i32, i32, i32, i32}, []api.ValueType{i32}}, callConference},
	abi.ImportCallSendDigits:   {sig{[]api.ValueType{i32, i32}, []api.ValueType{i32}}, callSendDigits},
	abi.ImportCallQueue:        {sig{[]api.ValueType{i32, i32, i32, i32}, []api.ValueType{i32}}, callQueue},
}

// hostSigs are the imports' signatures, for check.
var hostSigs = func() map[string]sig {
	m := map[string]sig{}
	for name, f := range hostFuncs {
		m[name] = f.sig
	}
	return m
}()

// instantiateHost adds the host module to a runtime. Each function finds
// its instance in the call's context.
func instantiateHost(ctx context.Context, rt wazero.Runtime) error {
	b := rt.NewHostModuleBuilder(abi.ModuleName)
	for name, f := range hostFuncs {
		fn := f.fn
		b.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, _ api.Module, stack []uint64) {
			inst := instanceOf(ctx)
			if inst == nil {
				panic(errors.New("hookswitch host function called outside a hook call"))
			}
			fn(inst, stack)
		}), f.sig.params, f.sig.results).Export(name)
	}
	_, err := b.Instantiate(ctx)
	return err
}

// abiError is a guest's breach of the ABI (a buffer outside its memory):
// it traps the call and the instance is dropped.
type abiError struct{ msg string }

func (e abiError) Error() string { return "ABI violation: " + e.msg }

// read is a view of the guest's memory; a range outside it traps.
func (inst *instance) read(ptr, n uint32, what string) []byte {
	b, ok := inst.mem.Read(ptr, n)
	if !ok {
		panic(abiError{fmt.Sprintf("%s: %d bytes at %#x are outside the memory (%d bytes)", what, n, ptr, inst.mem.Size())})
	}
	return b
}

// give applies the buffer convention: keep val for ImportResult, write it
// at buf when it fits in limit, return its true length.
func (inst *instance) give(val []byte, buf, limit uint32) int32 {
	inst.result = append(inst.result[:0], val...)
	if uint32(len(val)) <= limit && len(val) > 0 {
		if !inst.mem.Write(buf, val) {
			panic(abiError{fmt.Sprintf("buffer of %d bytes at %#x is outside the memory", limit, buf)})
		}
	}
	return int32(len(val))
}

// failWith keeps msg for ImportResult and returns code.
func (inst *instance) failWith(code int32, msg string) int32 {
	if len(msg) > abi.MaxErrorLen {
		msg = msg[:abi.MaxErrorLen]
	}
	inst.result = append(inst.result[:0], msg...)
	return code
}

func u32(v uint64) uint32 { return uint32(v) }

func hostRequest(inst *instance, s []uint64) {
	s[0] = uint64(uint32(inst.give(inst.req, u32(s[0]), u32(s[1]))))
}

func hostDecide(inst *instance, s []uint64) {
	n := u32(s[1])
	if n > abi.MaxDecision {
		panic(abiError{fmt.Sprintf("decision of %d bytes (max %d)", n, abi.MaxDecision)})
	}
	inst.dec = append(inst.dec[:0], inst.read(u32(s[0]), n, abi.ImportDecide)...)
	inst.decided = true
}

func hostFail(inst *instance, s []uint64) {
	b := inst.read(u32(s[0]), min(u32(s[1]), abi.MaxErrorLen), abi.ImportFail)
	inst.failMsg = validUTF8(b)
}

func hostResult(inst *instance, s []uint64) {
	val := append([]byte(nil), inst.result...)
	s[0] = uint64(uint32(inst.give(val, u32(s[0]), u32(s[1]))))
}

func hostLog(inst *instance, s []uint64) {
	if inst.logs >= abi.MaxLogLines {
		inst.dropped++
		return
	}
	inst.logs++
	level := slog.LevelInfo
	switch int32(s[0]) {
	case abi.LogWarn:
		level = slog.LevelWarn
	case abi.LogError:
		level = slog.LevelError
	}
	msg := validUTF8(inst.read(u32(s[1]), min(u32(s[2]), abi.MaxLogLen), abi.ImportLog))
	inst.p.log.Log(context.Background(), level, msg, "call_id", inst.callID)
}

func hostConfigExtension(inst *instance, s []uint64) {
	number := string(inst.read(u32(s[0]), u32(s[1]), abi.ImportConfigExtension))
	dir := inst.p.o.Directory
	if dir == nil {
		s[0] = uint64(uint32(inst.failWith(abi.ErrNotFound, "no such extension")))
		return
	}
	e, ok := dir.Extension(number)
	if !ok {
		s[0] = uint64(uint32(inst.failWith(abi.ErrNotFound, "no such extension")))
		return
	}
	w := abi.Writer{Features: inst.layout} // the settings fields for a guest that set FeatureSettings
	e.Append(&w)
	s[0] = uint64(uint32(inst.give(w.B, u32(s[2]), u32(s[3]))))
}

func hostConfigExtensions(inst *instance, s []uint64) {
	var list []abi.Extension
	if dir := inst.p.o.Directory; dir != nil {
		list = dir.Extensions()
	}
	w := abi.Writer{Features: inst.layout}
	w.U32(uint32(len(list)))
	for i := range list {
		list[i].Append(&w)
	}
	s[0] = uint64(uint32(inst.give(w.B, u32(s[0]), u32(s[1]))))
}

func hostKVGet(inst *instance, s []uint64) {
	key := string(inst.read(u32(s[0]), u32(s[1]), abi.ImportKVGet))
	kv := inst.p.o.KV
	if kv == nil {
		s[0] = uint64(uint32(inst.failWith(abi.ErrFailed, "kv: no store configured")))
		return
	}
	v, ok, err := kv.Get(inst.p.ns, key)
	switch {
	case err != nil:
		s[0] = uint64(uint32(inst.failWith(abi.ErrFailed, "kv_get: "+err.Error())))
	case !ok:
		s[0] = uint64(uint32(inst.failWith(abi.ErrNotFound, "no such key")))
	default:
		s[0] = uint64(uint32(inst.give([]byte(v), u32(s[2]), u32(s[3]))))
	}
}

func hostKVSet(inst *instance, s []uint64) {
	key := string(inst.read(u32(s[0]), u32(s[1]), abi.ImportKVSet))
	n := u32(s[3])
	ttl := time.Duration(int64(s[4])) * time.Millisecond
	kv := inst.p.o.KV
	switch {
	case kv == nil:
		s[0] = uint64(uint32(inst.failWith(abi.ErrFailed, "kv: no store configured")))
		return
	case n > abi.MaxKVValue:
		s[0] = uint64(uint32(inst.failWith(abi.ErrFailed, fmt.Sprintf("kv_set: value of %d bytes (max %d)", n, abi.MaxKVValue))))
		return
	case ttl < 0:
		s[0] = uint64(uint32(inst.failWith(abi.ErrFailed, "kv_set: negative ttl")))
		return
	}
	val := string(inst.read(u32(s[2]), n, abi.ImportKVSet))
	if err := kv.Set(inst.p.ns, key, val, ttl); err != nil {
		s[0] = uint64(uint32(inst.failWith(abi.ErrFailed, "kv_set: "+err.Error())))
		return
	}
	s[0] = 0
}

func hostKVDelete(inst *instance, s []uint64) {
	key := string(inst.read(u32(s[0]), u32(s[1]), abi.ImportKVDelete))
	kv := inst.p.o.KV
	if kv == nil {
		s[0] = uint64(uint32(inst.failWith(abi.ErrFailed, "kv: no store configured")))
		return
	}
	if err := kv.Delete(inst.p.ns, key); err != nil {
		s[0] = uint64(uint32(inst.failWith(abi.ErrFailed, "kv_delete: "+err.Error())))
		return
	}
	s[0] = 0
}

// hostKVAdd adds delta to the integer under the key in one store
// transaction and returns the sum as an i64 by the buffer convention.
func hostKVAdd(inst *instance, s []uint64) {
	key := string(inst.read(u32(s[0]), u32(s[1]), abi.ImportKVAdd))
	delta := int64(s[2])
	kv := inst.p.o.KV
	if kv == nil {
		s[0] = uint64(uint32(inst.failWith(abi.ErrFailed, "kv: no store configured")))
		return
	}
	sum, err := kv.Add(inst.p.ns, key, delta)
	if err != nil {
		s[0] = uint64(uint32(inst.failWith(abi.ErrFailed, "kv_add: "+err.Error())))
		return
	}
	var w abi.Writer
	w.I64(sum)
	s[0] = uint64(uint32(inst.give(w.B, u32(s[3]), u32(s[4]))))
}

func hostHTTP(inst *instance, s []uint64) {
	var req abi.HTTPRequest
	r := abi.NewReader(inst.read(u32(s[0]), u32(s[1]), abi.ImportHTTP))
	req.Decode(r)
	if err := r.Err(); err != nil {
		s[0] = uint64(uint32(inst.failWith(abi.ErrFailed, "http: "+err.Error())))
		return
	}
	resp, err := inst.httpDo(req)
	if err != nil {
		s[0] = uint64(uint32(inst.failWith(abi.ErrFailed, "http: "+err.Error())))
		return
	}
	var w abi.Writer
	resp.Append(&w)
	s[0] = uint64(uint32(inst.give(w.B, u32(s[2]), u32(s[3]))))
}

// validUTF8 copies b as a string with invalid bytes replaced.
func validUTF8(b []byte) string {
	return string([]rune(string(b))) // ranges over runes: invalid bytes become U+FFFD
}
