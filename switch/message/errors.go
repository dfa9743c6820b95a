package message

import "errors"

// errClosed ends deliveries cut short by Close.
var errClosed = errors.New("message: server closed")
