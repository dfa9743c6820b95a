package dtmf

import "errors"

var (
	// ErrMalformedEvent is wrapped by every telephone-event payload error.
	ErrMalformedEvent = errors.New("malformed telephone-event payload")
	// ErrUnknownDigit means a byte or event code is not a DTMF digit.
	ErrUnknownDigit = errors.New("unknown dtmf digit")
	// ErrBadDuration means a digit duration is outside the accepted range.
	ErrBadDuration = errors.New("dtmf duration out of range")
	// ErrBadVolume means a telephone-event volume is above 63 (-dBm0).
	ErrBadVolume = errors.New("telephone-event volume out of range")
	// ErrSenderBusy means Start was called before the previous digit's
	// packets were all taken with Next.
	ErrSenderBusy = errors.New("dtmf sender busy")
	// ErrUnsupportedContentType means a SIP INFO body is not a DTMF type.
	ErrUnsupportedContentType = errors.New("unsupported dtmf info content type")
	// ErrMalformedInfo is wrapped by every SIP INFO body error.
	ErrMalformedInfo = errors.New("malformed dtmf info body")
	// ErrInfoTooLarge means a SIP INFO body exceeds MaxInfoSize.
	ErrInfoTooLarge = errors.New("dtmf info body too large")
)
