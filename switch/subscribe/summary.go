package subscribe

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Mailboxes reports voicemail counts; the voicemail store implements it.
// An error wrapping ErrNoResource means there is no such mailbox.
type Mailboxes interface {
	Counts(box string) (newMsgs, oldMsgs int, err error)
}

// MessageSummary is the message-summary event package (RFC 3842): message
// waiting indication for voicemail boxes, one per extension.
type MessageSummary struct {
	boxes Mailboxes
	host  func() string
}

// NewMessageSummary serves boxes. host gives the host of the
// Message-Account URI (the stack's advertised host, read per NOTIFY since
// it is known only once the stack listens); nil or "" leaves the header out.
func NewMessageSummary(boxes Mailboxes, host func() string) *MessageSummary {
	return &MessageSummary{boxes: boxes, host: host}
}

// Name is the Event token.
func (*MessageSummary) Name() string { return "message-summary" }

// ContentType is the body type of RFC 3842 5.
func (*MessageSummary) ContentType() string { return "application/simple-message-summary" }

// Authorize lets a user watch its own mailbox; others are the hook's call.
func (*MessageSummary) Authorize(user, resource string) bool { return user == resource }

// Body is the simple-message-summary of box (RFC 3842 5.2):
//
//	Messages-Waiting: yes
//	Message-Account: sip:1001@host
//	Voice-Message: 2/5 (0/0)
//
// We keep no urgent counts, so the parenthesised pair is always 0/0.
func (m *MessageSummary) Body(box string) ([]byte, error) {
	if m.boxes == nil {
		return nil, errors.New("message-summary: no mailbox store")
	}
	if !validResource(box) {
		return nil, fmt.Errorf("message-summary: mailbox %q: %w", box, ErrNoResource)
	}
	n, o, err := m.boxes.Counts(box)
	if err != nil {
		return nil, fmt.Errorf("message-summary: mailbox %s: %w", box, err)
	}
	if n < 0 || o < 0 {
		return nil, fmt.Errorf("message-summary: mailbox %s: negative count %d/%d", box, n, o)
	}
	host := ""
	if m.host != nil {
		host = m.host()
	}
	b := make([]byte, 0, 96+len(box)+len(host))
	b = append(b, "Messages-Waiting: "...)
	if n > 0 {
		b = append(b, "yes\r\n"...)
	} else {
		b = append(b, "no\r\n"...)
	}
	if validHost(host) {
		b = append(b, "Message-Account: sip:"...)
		b = append(b, box...)
		b = append(b, '@')
		if strings.IndexByte(host, ':') >= 0 && host[0] != '[' {
			b = append(b, '[')
			b = append(b, host...)
			b = append(b, ']')
		} else {
			b = append(b, host...)
		}
		b = append(b, "\r\n"...)
	}
	b = append(b, "Voice-Message: "...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(o), 10)
	b = append(b, " (0/0)\r\n"...)
	return b, nil
}

// validHost keeps a host that could break the body (CR, LF, spaces) out.
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if c <= ' ' || c >= 0x7f || c == '@' || c == '<' || c == '>' || c == ';' {
			return false
		}
	}
	return true
}
