package web

import (
	"bytes"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// SystemInfo is the process's vital signs (GET /api/v1/system and the
// event stream's system event).
type SystemInfo struct {
	CPUPercent  float64 `json:"cpu_percent"` // of one core, over the last sample interval
	RSSBytes    uint64  `json:"rss_bytes"`
	HeapBytes   uint64  `json:"heap_bytes"` // live heap objects (runtime.MemStats.HeapAlloc)
	Goroutines  int     `json:"goroutines"`
	UptimeS     int64   `json:"uptime_s"`
	ActiveCalls int     `json:"active_calls"`
}

// processStart is close enough to the process's start: package
// initialisation runs before main.
var processStart = time.Now()

// sysCacheFor is how long a sample is reused: ReadMemStats stops the world
// and many streams ask at once.
const sysCacheFor = time.Second

// userHZ is the unit of /proc's CPU times: USER_HZ is 100 in the Linux ABI
// on every architecture Go supports (the kernel's HZ may differ; it
// converts).
const userHZ = 100

// sysStats is the process's one sampler, shared by every API.
var sysStats sysSampler

type sysSampler struct {
	mu      sync.Mutex
	at      time.Time // when cached was taken
	cached  SystemInfo
	cpuAt   time.Time     // when cpu was read
	cpu     time.Duration // the process's CPU time then
	haveCPU bool
}

// sample returns the figures, from cache when younger than sysCacheFor.
// ActiveCalls is left to the caller.
func (s *sysSampler) sample(now time.Time) SystemInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.at.IsZero() && now.Sub(s.at) < sysCacheFor && !now.Before(s.at) {
		return s.cached
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	info := SystemInfo{HeapBytes: ms.HeapAlloc, Goroutines: runtime.NumGoroutine(),
		UptimeS: int64(now.Sub(processStart) / time.Second), RSSBytes: readRSS()}
	if cpu, ok := readCPU(); ok {
		// Over the interval since the last sample; the first one averages
		// over the whole life of the process.
		since, prev := processStart, time.Duration(0)
		if s.haveCPU {
			since, prev = s.cpuAt, s.cpu
		}
		if wall := now.Sub(since); wall > 0 && cpu >= prev {
			info.CPUPercent = float64(cpu-prev) / float64(wall) * 100
			info.CPUPercent = float64(int64(info.CPUPercent*10+0.5)) / 10 // one decimal
		}
		s.cpuAt, s.cpu, s.haveCPU = now, cpu, true
	}
	s.at, s.cached = now, info
	return info
}

// readCPU is the process's user+system CPU time from /proc/self/stat
// (Linux); false elsewhere.
func readCPU() (time.Duration, bool) {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0, false
	}
	return parseStatCPU(b)
}

// parseStatCPU reads utime and stime, fields 14 and 15 of proc(5)'s stat.
// The command name (field 2) is in parentheses and may hold spaces and
// parentheses itself, so fields are counted after its last ")".
func parseStatCPU(b []byte) (time.Duration, bool) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	f := bytes.Fields(b[i+1:]) // f[0] is field 3
	if len(f) < 13 {
		return 0, false
	}
	ut, err1 := strconv.ParseUint(string(f[11]), 10, 64)
	st, err2 := strconv.ParseUint(string(f[12]), 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(ut+st) * time.Second / userHZ, true
}

// readRSS is the resident set size from /proc/self/statm (Linux); 0
// elsewhere.
func readRSS() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	return parseStatm(b, os.Getpagesize())
}

// parseStatm reads the resident pages, statm's second field.
func parseStatm(b []byte, pageSize int) uint64 {
	f := bytes.Fields(b)
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseUint(string(f[1]), 10, 64)
	if err != nil {
		return 0
	}
	return pages * uint64(pageSize)
}
