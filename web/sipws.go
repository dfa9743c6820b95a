package web

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/hookswitch/hookswitch/switch/sip"
)

// SIPWebSocket takes SIP over WebSocket (RFC 7118) on a path of an HTTP
// server (the HTTPS port's /ws), so a browser reaches the switch through
// the port its page came from. It checks the upgrade request, hijacks the
// connection and hands it to the SIP stack with the request replayed:
// sipgo answers the upgrade itself and has no http.Handler of its own.
type SIPWebSocket struct {
	Handoff *sip.WSHandoff // served by the SIP stack as WSS
	Logger  *slog.Logger
}

func (h SIPWebSocket) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := sip.CheckWSUpgrade(r); err != nil {
		var ue *sip.WSUpgradeError
		if !errors.As(err, &ue) {
			ue = &sip.WSUpgradeError{Status: http.StatusBadRequest, Reason: err.Error()}
		}
		for k, v := range ue.Header() {
			if k == "Upgrade" && r.ProtoMajor != 1 {
				continue // a connection header: HTTP/2 resets the stream on it
			}
			w.Header()[k] = v
		}
		http.Error(w, ue.Reason, ue.Status)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		// HTTP/2 (no extended CONNECT here): browsers open HTTP/1.1 for
		// WebSockets, so only an odd client lands here.
		http.Error(w, "SIP over WebSocket needs an HTTP/1.1 connection", http.StatusHTTPVersionNotSupported)
		return
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		h.log().Debug("sip websocket: hijack", "from", r.RemoteAddr, "error", err)
		http.Error(w, "cannot take over the connection", http.StatusInternalServerError)
		return
	}
	// What the client sent past the request (nothing, unless it did not wait
	// for the 101) is in the server's read buffer: it follows the request.
	rest, _ := rw.Reader.Peek(rw.Reader.Buffered())
	if err := h.Handoff.Deliver(conn, upgradeRequest(r), bytes.Clone(rest)); err != nil {
		io.WriteString(conn, "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
		conn.Close()
		h.log().Debug("sip websocket: hand-off", "from", r.RemoteAddr, "error", err)
	}
}

func (h SIPWebSocket) log() *slog.Logger {
	if h.Logger == nil {
		return slog.Default()
	}
	return h.Logger
}

// upgradeRequest writes r's request line and header again, as the client
// sent them up to order and case, for sipgo to read.
func upgradeRequest(r *http.Request) []byte {
	var b bytes.Buffer
	uri := r.RequestURI
	if uri == "" {
		uri = r.URL.RequestURI()
	}
	b.WriteString("GET " + uri + " HTTP/1.1\r\nHost: " + r.Host + "\r\n")
	r.Header.Write(&b)
	b.WriteString("\r\n")
	return b.Bytes()
}
