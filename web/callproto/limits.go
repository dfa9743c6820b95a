package callproto

// Limits of the format. A WebSocket server should set its read limit to
// MaxFrameSize (coder/websocket defaults to 32 KiB, too small for some SDP).
const (
	MaxFrameSize = 64 << 10 // bytes in one frame, line ends included
	MaxLines     = 256      // non-empty lines, op and seq included
	MaxKeyLen    = 16       // bytes in a key
	MaxValueLen  = 32 << 10 // bytes in a decoded value (an SDP offer is 2-15 KiB)
	MaxSeqLen    = 64       // bytes in a seq (a UUID fits)
	MaxReasonLen = 256      // bytes in a reply's reason
	maxOp        = 999999999
)
