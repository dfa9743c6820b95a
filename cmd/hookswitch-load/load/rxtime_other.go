//go:build !linux

package load

import "net"

const oobLen = 0

// enableRxTimestamps is Linux-only; elsewhere receive times are taken
// when the reader wakes up (its lateness then counts as jitter).
func enableRxTimestamps(*net.UDPConn) bool { return false }

func rxTime([]byte) (int64, bool) { return 0, false }
