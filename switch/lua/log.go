package lua

import (
	"context"
	"log/slog"
	"strings"

	glua "github.com/yuin/gopher-lua"
)

// A script may log at most maxLogLines lines of at most maxLogMessage bytes
// per hook call; a loop of log calls must not flood the process log.
const (
	maxLogLines   = 32
	maxLogMessage = 1024
)

// scriptLog is the `log` global of one state; callID is set for each call.
type scriptLog struct {
	logger  *slog.Logger
	callID  string
	lines   int
	dropped int
}

func (sl *scriptLog) install(L *glua.LState) {
	t := L.NewTable()
	t.RawSetString("info", L.NewFunction(sl.fn(slog.LevelInfo)))
	t.RawSetString("warn", L.NewFunction(sl.fn(slog.LevelWarn)))
	t.RawSetString("error", L.NewFunction(sl.fn(slog.LevelError)))
	L.SetGlobal("log", t)
}

// begin resets the per-call counters.
func (sl *scriptLog) begin(callID string) {
	sl.callID, sl.lines, sl.dropped = callID, 0, 0
}

// end reports the lines that were dropped during the call.
func (sl *scriptLog) end() {
	if sl.dropped > 0 {
		sl.logger.Warn("script log lines dropped", "call_id", sl.callID, "dropped", sl.dropped)
	}
}

func (sl *scriptLog) fn(level slog.Level) glua.LGFunction {
	return func(L *glua.LState) int {
		if sl.lines >= maxLogLines {
			sl.dropped++
			return 0
		}
		sl.lines++
		var b strings.Builder
		for i := 1; i <= L.GetTop() && b.Len() < maxLogMessage; i++ {
			if i > 1 {
				b.WriteByte(' ')
			}
			s := L.Get(i).String()
			if room := maxLogMessage - b.Len(); len(s) > room {
				s = s[:max(room, 0)]
			}
			b.WriteString(s)
		}
		sl.logger.Log(context.Background(), level, b.String(), "call_id", sl.callID)
		return 0
	}
}
