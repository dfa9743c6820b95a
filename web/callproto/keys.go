package callproto

// Field keys, as spelled by the seed (section 4.3) plus reason, ours.
const (
	KeyOp     = "op"     // the message type (Message.Op)
	KeySeq    = "seq"    // command sequence, echoed by its ACK (Message.Seq)
	KeyCode   = "code"   // an ACK's result, or a message report's outcome
	KeyReason = "reason" // ours: why an ACK's code is not 0, one line of English
	KeyNonce  = "nonce"  // the session nonce (4001, 1011)
	KeyTel    = "tel"    // the extension to register
	KeyUsr    = "usr"    // SIP auth user (hookswitch: empty or equal to tel)
	KeyMWI    = "mwi"    // 1 = send voicemail events
	KeyPwd    = "pwd"    // the HMAC-SHA256 password proof
	KeyBType  = "btype"  // browser type
	KeyPBook  = "pbook"  // phone book URL
	KeyCID    = "cid"    // a call's SIP Call-ID
	KeyDisp   = "disp"   // display name
	KeyFrom   = "from"   // calling party
	KeyTo     = "to"     // called party
	KeyCData  = "cdata"  // CTI data
	KeySkill  = "skill"  // ACD skill
	KeySDP    = "sdp"    // an SDP body
	KeyRC     = "rc"     // reject code (SIP status)
	KeyMTo    = "mto"    // 302 target
	KeyType   = "type"   // call modify type
	KeyRTo    = "rto"    // the number a second call goes to
	KeyMID    = "mid"    // the client's message ID
	KeyMsg    = "msg"    // message text
	KeyDTMF   = "dtmf"   // one DTMF digit
	KeyRec    = "rec"    // 1 = record, 0 = stop
	KeyBLF    = "blf"    // BLF monitor action
	KeyExt    = "ext"    // extension list for BLF
	KeyState  = "state"  // an event's state
	KeyUCID   = "ucid"   // universal call ID
	KeyCause  = "cause"  // SIP status that ended or refused a call
	KeyAID    = "aid"    // ACD call ID
	KeyAgTel  = "agtel"  // the answering agent's number
	KeyVM     = "vm"     // voicemail counts new/old (urgent new/urgent old)
	KeyBLFXML = "blfxml" // RFC 4235 dialog-info document
)
