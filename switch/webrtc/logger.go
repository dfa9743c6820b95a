package webrtc

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/pion/logging"
)

// pionLogs routes pion's scoped loggers into the gateway's slog.Logger.
// pion's trace level is dropped (per packet). Its info and warn levels
// become debug: they narrate every ordinary call (candidates ignored,
// streams closed at hang-up) and would fill an operator's log; a failed
// call is reported by the switch itself. Formatting happens only when the
// level is enabled.
type pionLogs struct{ log *slog.Logger }

func (f pionLogs) NewLogger(scope string) logging.LeveledLogger {
	return pionLogger{log: f.log.With("pion", scope)}
}

type pionLogger struct{ log *slog.Logger }

func (l pionLogger) emit(level slog.Level, msg string) {
	l.log.Log(context.Background(), level, msg)
}

func (l pionLogger) emitf(level slog.Level, format string, args []any) {
	if l.log.Enabled(context.Background(), level) {
		l.emit(level, fmt.Sprintf(format, args...))
	}
}

func (pionLogger) Trace(string)                {}
func (pionLogger) Tracef(string, ...any)       {}
func (l pionLogger) Debug(msg string)          { l.emit(slog.LevelDebug, msg) }
func (l pionLogger) Debugf(f string, a ...any) { l.emitf(slog.LevelDebug, f, a) }
func (l pionLogger) Info(msg string)           { l.emit(slog.LevelDebug, msg) }
func (l pionLogger) Infof(f string, a ...any)  { l.emitf(slog.LevelDebug, f, a) }
func (l pionLogger) Warn(msg string)           { l.emit(slog.LevelDebug, msg) }
func (l pionLogger) Warnf(f string, a ...any)  { l.emitf(slog.LevelDebug, f, a) }
func (l pionLogger) Error(msg string)          { l.emit(slog.LevelError, msg) }
func (l pionLogger) Errorf(f string, a ...any) { l.emitf(slog.LevelError, f, a) }
