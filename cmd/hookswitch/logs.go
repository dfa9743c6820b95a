package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/hookswitch/hookswitch/web"
	"github.com/hookswitch/hookswitch/web/logring"
)

// logsCmd: `logs [--level L] [--call-id ID] [--grep TEXT] [--limit N]
// [--follow]` prints the running switch's recent log records, oldest
// first; --follow then keeps printing new ones until interrupted.
func logsCmd(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("logs", flag.ContinueOnError)
	data := dataFlag(fs)
	level := fs.String("level", "", "the least level shown: debug, info, warn or error (default all)")
	callID := fs.String("call-id", "", "only the records of this call")
	grep := fs.String("grep", "", "only records whose message or attributes contain this text")
	limit := fs.Int("limit", 100, "how many recent records to print first (1-10000; with --follow, 0 starts with new ones only)")
	follow := fs.Bool("follow", false, "keep printing new records until interrupted (Ctrl-C)")
	asJSON := fs.Bool("json", false, "print one JSON record per line")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) != 0 {
		return errors.New("logs: takes no arguments (--grep TEXT)")
	}
	if *limit < 0 || *limit == 0 && !*follow {
		return errors.New("logs: --limit must be 1 or more (0 only with --follow)")
	}
	q := url.Values{}
	for k, v := range map[string]string{"level": *level, "call_id": *callID, "q": *grep} {
		if v != "" {
			q.Set(k, v)
		}
	}
	b, err := runningSwitch(*data, "logs", "the recent records are kept in its memory")
	if err != nil {
		return err
	}
	defer b.close()
	print := func(r logring.Record) {
		if *asJSON {
			j, _ := json.Marshal(r)
			fmt.Fprintf(stdout, "%s\n", j)
			return
		}
		fmt.Fprintln(stdout, logLine(r))
	}
	var last uint64
	if *limit > 0 {
		pq := url.Values{"limit": {strconv.Itoa(*limit)}}
		for k, v := range q {
			pq[k] = v
		}
		var page web.LogPage
		if err := b.call("GET", "/api/v1/logs?"+pq.Encode(), nil, &page); err != nil {
			return fmt.Errorf("logs: %w", logFlagError(err))
		}
		for _, r := range slices.Backward(page.Records) { // newest first
			print(r)
		}
		last = page.Last
	}
	if !*follow {
		return nil
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if last > 0 {
		q.Set("after", strconv.FormatUint(last, 10))
	}
	return followLogs(ctx, b, q, print)
}

// followLogs reads the log stream (Server-Sent Events) until ctx ends or
// the switch closes it.
func followLogs(ctx context.Context, b *backend, q url.Values, print func(logring.Record)) error {
	res, err := b.streamCtx(ctx, "/api/v1/logs/stream?"+q.Encode())
	if err != nil {
		return fmt.Errorf("logs --follow: %w", logFlagError(err))
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue // id:, event:, retry:, keep-alives and blank lines
		}
		var r logring.Record
		if err := json.Unmarshal([]byte(data), &r); err != nil {
			return fmt.Errorf("logs --follow: a record: %w", err)
		}
		print(r)
	}
	if ctx.Err() != nil {
		return nil // interrupted: the normal end
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("logs --follow: %w", err)
	}
	return errors.New("logs --follow: the switch closed the stream (stopped?)")
}

// logFlagError names the flags for the API's query names.
func logFlagError(err error) error {
	s := err.Error()
	for _, r := range [][2]string{{"switch: q:", "switch: --grep:"}, {"switch: call_id:", "switch: --call-id:"}, {"switch: level ", "switch: --level "}, {"switch: limit ", "switch: --limit "}} {
		if strings.HasPrefix(s, r[0]) {
			return errors.New(r[1] + strings.TrimPrefix(s, r[0]))
		}
	}
	return err
}

// logLine is a record as one text line, its attributes sorted.
func logLine(r logring.Record) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %-5s %s", r.Time.Local().Format("2006-01-02 15:04:05.000"), r.Level, printable(r.Msg))
	keys := make([]string, 0, len(r.Attrs))
	for k := range r.Attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := printable(r.Attrs[k])
		if v == "" || strings.ContainsAny(v, " \t\n\"=") {
			v = strconv.Quote(v)
		}
		fmt.Fprintf(&b, " %s=%s", printable(k), v)
	}
	return b.String()
}
