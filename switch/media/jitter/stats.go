package jitter

import "time"

// Stats are a Buffer's counters since New and its current delay figures.
type Stats struct {
	Received   uint64 // packets stored for playout
	Late       uint64 // packets that came after their playout point, dropped
	Duplicates uint64 // packets whose samples were already received, dropped
	Invalid    uint64 // packets with an empty or oversized payload, dropped
	Resyncs    uint64 // restarts on a new SSRC or a timestamp jump
	Played     uint64 // frames Pop returned Full
	Lost       uint64 // frames Pop returned Lost: the caller concealed them
	Dropped    uint64 // frames skipped to bring the delay down

	Delay  time.Duration // how long the fastest packets wait before playout, at the last Pop
	Target time.Duration // the delay the buffer steers to
	Jitter time.Duration // RFC 3550 interarrival jitter
}
