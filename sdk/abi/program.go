package abi

import "time"

// Arguments and results of the call primitives (FeatureProgram).

// BridgeResult (ImportCallBridge): bool answered, u16 code, str reason,
// str target, i64 talk (milliseconds), bool hung_up.
type BridgeResult struct {
	Answered bool
	Code     uint16
	Reason   string
	Target   string
	Talk     time.Duration
	HungUp   bool
}

func (m *BridgeResult) Append(w *Writer) {
	w.Bool(m.Answered)
	w.U16(m.Code)
	w.Str(m.Reason)
	w.Str(m.Target)
	w.I64(m.Talk.Milliseconds())
	w.Bool(m.HungUp)
}

func (m *BridgeResult) Decode(r *Reader) {
	m.Answered = r.Bool("answered")
	m.Code = r.U16("code")
	m.Reason = r.Str("reason")
	m.Target = r.Str("target")
	m.Talk = time.Duration(r.I64("talk")) * time.Millisecond
	m.HungUp = r.Bool("hung_up")
}

// PlaySpec (ImportCallPlay): str file, u32 loops (0 = 1).
type PlaySpec struct {
	File  string
	Loops uint32
}

func (m *PlaySpec) Append(w *Writer) {
	w.Str(m.File)
	w.U32(m.Loops)
}

func (m *PlaySpec) Decode(r *Reader) {
	m.File = r.Text("file")
	m.Loops = r.U32("loops")
}

// CollectSpec (ImportCallCollect): u32 max digits (0 = 1), u32 timeout
// (milliseconds, 0 = the switch's default), str terminator ("" or one
// DTMF key), str prompt (a file played while waiting, "" = none).
type CollectSpec struct {
	Max        uint32
	Timeout    time.Duration
	Terminator string
	Prompt     string
}

func (m *CollectSpec) Append(w *Writer) {
	w.U32(m.Max)
	w.U32(uint32(m.Timeout.Milliseconds()))
	w.Str(m.Terminator)
	w.Str(m.Prompt)
}

func (m *CollectSpec) Decode(r *Reader) {
	m.Max = r.U32("max")
	m.Timeout = time.Duration(r.U32("timeout")) * time.Millisecond
	m.Terminator = r.Text("terminator")
	m.Prompt = r.Text("prompt")
}

// RecordSpec (ImportCallRecord): u32 max_duration (milliseconds, 0 = the
// switch's default), str terminator.
type RecordSpec struct {
	MaxDuration time.Duration
	Terminator  string
}

func (m *RecordSpec) Append(w *Writer) {
	w.U32(uint32(m.MaxDuration.Milliseconds()))
	w.Str(m.Terminator)
}

func (m *RecordSpec) Decode(r *Reader) {
	m.MaxDuration = time.Duration(r.U32("max_duration")) * time.Millisecond
	m.Terminator = r.Text("terminator")
}

// HTTPRequest (ImportHTTP): str method ("GET" or "POST"), str url,
// list of (str name, str value) headers, str body, u32 timeout
// (milliseconds, 0 = what is left of the budget).
type HTTPRequest struct {
	Method, URL string
	Headers     [][2]string
	Body        string
	Timeout     time.Duration
}

func (m *HTTPRequest) Append(w *Writer) {
	w.Str(m.Method)
	w.Str(m.URL)
	appendPairs(w, m.Headers)
	w.Str(m.Body)
	w.U32(uint32(m.Timeout.Milliseconds()))
}

func (m *HTTPRequest) Decode(r *Reader) {
	m.Method = r.Text("method")
	m.URL = r.Text("url")
	m.Headers = decodePairs(r, "headers")
	m.Body = r.Str("body")
	m.Timeout = time.Duration(r.U32("timeout")) * time.Millisecond
}

// HTTPResponse (ImportHTTP): u16 status, list of (str name, str value)
// headers, str body.
type HTTPResponse struct {
	Status  uint16
	Headers [][2]string
	Body    []byte
}

func (m *HTTPResponse) Append(w *Writer) {
	w.U16(m.Status)
	appendPairs(w, m.Headers)
	w.Bytes(m.Body)
}

func (m *HTTPResponse) Decode(r *Reader) {
	m.Status = r.U16("status")
	m.Headers = decodePairs(r, "headers")
	m.Body = r.Bytes("body")
}

func appendPairs(w *Writer, ps [][2]string) {
	w.U32(uint32(len(ps)))
	for _, p := range ps {
		w.Str(p[0])
		w.Str(p[1])
	}
}

func decodePairs(r *Reader, field string) [][2]string {
	n := r.Count(field, 8)
	if n == 0 {
		return nil
	}
	out := make([][2]string, n)
	for i := range out {
		out[i] = [2]string{r.Str(field), r.Str(field)}
	}
	return out
}
