package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hookswitch/hookswitch/switch/queue"
	"github.com/hookswitch/hookswitch/switch/store"
)

// queueCmd manages call queues (SPEC P3):
//
//	hookswitch queue list
//	hookswitch queue show NUMBER
//	hookswitch queue add NUMBER [--static EXT[:PENALTY],...] [--dynamic EXT,...] [--strategy S] [...]
//	hookswitch queue set NUMBER [the flags of add]   changes only the flags given
//	hookswitch queue delete NUMBER
//
// and, through a running switch's control socket only:
//
//	hookswitch queue status [NUMBER]          callers waiting, agents, counters
//	hookswitch queue abandoned NUMBER         callers who hung up while waiting
//	hookswitch queue login|logout NUMBER EXT  a dynamic agent
//	hookswitch queue pause EXT [--queue NUMBER] [--reason R]   every queue EXT is an agent of, or one
//	hookswitch queue unpause EXT [--queue NUMBER]
func queueCmd(args []string, stdout io.Writer) error {
	const subs = "list, show, add, set, delete, status, abandoned, login, logout, pause or unpause"
	if len(args) == 0 {
		return errors.New("queue: want " + subs)
	}
	sub := args[0]
	want := map[string]string{"list": "", "show": "NUMBER", "add": "NUMBER", "set": "NUMBER", "delete": "NUMBER",
		"status": "[NUMBER]", "abandoned": "NUMBER", "login": "NUMBER EXT", "logout": "NUMBER EXT", "pause": "EXT", "unpause": "EXT"}
	usage, ok := want[sub]
	if !ok {
		return fmt.Errorf("queue: unknown subcommand %q: want %s", sub, subs)
	}
	fs := flag.NewFlagSet("queue "+sub, flag.ContinueOnError)
	data := dataFlag(fs)
	var q store.Queue
	var static, dynamic, noAnswer, only, reason string
	var joinEmpty, skipBusy bool
	fs.StringVar(&q.Name, "name", "", "a friendly name")
	fs.StringVar(&q.Strategy, "strategy", "", strings.Join(store.Strategies, ", ")+" (default ringall)")
	fs.StringVar(&static, "static", "", "static agents, always in the queue: EXT or EXT:PENALTY (0-9, lower rings first), comma-separated")
	fs.StringVar(&dynamic, "dynamic", "", "dynamic agents, who log in and out (*51*NUMBER, *52*NUMBER), comma-separated")
	fs.IntVar(&q.AgentTimeout, "agent-timeout", 0, "seconds an agent rings per attempt, 5-300 (default 15)")
	fs.IntVar(&q.Retry, "retry", 0, "seconds between attempts, 1-60 (default 5)")
	fs.IntVar(&q.WrapUp, "wrap-up", 0, "seconds an agent rests after a queue call, 0-600")
	fs.IntVar(&q.MaxWait, "max-wait", 0, "seconds a caller waits before going to --no-answer (0: no limit)")
	fs.IntVar(&q.MaxCallers, "max-callers", 0, "callers that may wait (0: no limit)")
	fs.BoolVar(&joinEmpty, "join-empty", true, "callers may join while no agent is logged in")
	fs.BoolVar(&q.LeaveWhenEmpty, "leave-when-empty", false, "callers go to --no-answer when the last agent leaves (needs --join-empty=false)")
	fs.BoolVar(&skipBusy, "skip-busy", true, "agents on another call are not rung")
	fs.BoolVar(&q.AutoPause, "auto-pause", false, "an agent who does not answer is paused")
	fs.BoolVar(&q.AutoReady, "auto-ready", false, "dynamic agents start logged in")
	fs.StringVar(&q.Music, "music", "", "music-on-hold class (default the switch's)")
	fs.StringVar(&q.Intro, "intro", "", "prompt played on joining, e.g. queue/intro")
	fs.BoolVar(&q.AnnouncePosition, "announce-position", false, "tell callers their position")
	fs.BoolVar(&q.AnnounceHoldTime, "announce-hold-time", false, "tell callers how long they have waited")
	fs.IntVar(&q.AnnounceFrequency, "announce-frequency", 0, "seconds between those announcements, 15-600 (default 30)")
	fs.StringVar(&q.PeriodicPrompt, "periodic-prompt", "", "prompt played to waiting callers every --periodic-frequency")
	fs.IntVar(&q.PeriodicFrequency, "periodic-frequency", 0, "seconds, 15-600 (default 60)")
	fs.IntVar(&q.SLA, "sla", 0, "seconds after which a waiting caller raises an alert (0: none)")
	fs.StringVar(&noAnswer, "no-answer", "", `where callers go when the queue gives up: KIND:TARGET (extension, group, ivr, queue, voicemail, conference, external), or hangup; "" clears`)
	fs.StringVar(&q.CallerIDPrefix, "caller-id-prefix", "", `shown before the caller's name to agents, e.g. "Sales: "`)
	fs.StringVar(&only, "queue", "", "pause, unpause: this queue only")
	fs.StringVar(&reason, "reason", "", "pause: why (shown in status)")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if n := len(strings.Fields(usage)); len(pos) != n && !(sub == "status" && len(pos) < 2) {
		if usage == "" {
			return fmt.Errorf("queue %s: want no arguments", sub)
		}
		return fmt.Errorf("queue %s: want %s", sub, usage)
	}
	b, err := openBackend(*data)
	if err != nil {
		return err
	}
	defer b.close()
	if done, err := queueEntity.common(b, sub, pos, stdout); done {
		return err
	}
	if sub == "add" || sub == "set" {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if err := applyQueueFlags(b, sub, pos[0], &q, set, static, dynamic, noAnswer, joinEmpty, skipBusy); err != nil {
			return fmt.Errorf("queue %s %s: %w", sub, pos[0], err)
		}
		fmt.Fprintf(stdout, "queue %s saved\n", q.Number)
		return nil
	}
	// The rest is live state: only a running switch has it.
	if b.st != nil {
		return fmt.Errorf("queue %s: the switch is not running (queue %s works only through a running switch)", sub, sub)
	}
	switch sub {
	case "status":
		var list []queue.QueueStatus
		if len(pos) == 1 {
			var s queue.QueueStatus
			err = b.call("GET", queueEntity.item(pos[0])+"/status", nil, &s)
			list = append(list, s)
		} else {
			err = b.call("GET", "/api/v1/queues/status", nil, &list)
		}
		if err != nil {
			return fmt.Errorf("queue status: %w", err)
		}
		return printQueueStatus(stdout, list)
	case "abandoned":
		var list []queue.Abandoned
		if err := b.call("GET", queueEntity.item(pos[0])+"/abandoned", nil, &list); err != nil {
			return fmt.Errorf("queue abandoned %s: %w", pos[0], err)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "AT\tCALLER\tCALL-ID\tWAITED\tPOSITION\tJOINED AT")
		for _, a := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%ds\t%d\t%d\n", a.At.Local().Format(time.DateTime), a.Caller, a.CallID, a.Waited, a.Position, a.JoinPosition)
		}
		return tw.Flush()
	case "login", "logout":
		err = b.call("PUT", queueEntity.item(pos[0])+"/agents/"+url.PathEscape(pos[1]), map[string]bool{"logged_in": sub == "login"}, nil)
		if err != nil {
			return fmt.Errorf("queue %s %s %s: %w", sub, pos[0], pos[1], err)
		}
		fmt.Fprintf(stdout, "%s %s queue %s\n", pos[1], map[string]string{"login": "logged in to", "logout": "logged out of"}[sub], pos[0])
		return nil
	}
	// pause, unpause: in one queue, or in every queue the agent is in.
	ext := pos[0]
	queues := []string{only}
	if only == "" {
		list, err := queueEntity.list(b)
		if err != nil {
			return fmt.Errorf("queue %s %s: %w", sub, ext, err)
		}
		queues = nil
		for _, c := range list {
			if slices.Contains(c.Agents(), ext) {
				queues = append(queues, c.Number)
			}
		}
		if len(queues) == 0 {
			return fmt.Errorf("queue %s %s: not an agent of any queue", sub, ext)
		}
	}
	body := map[string]any{"paused": sub == "pause", "reason": reason}
	for _, n := range queues {
		if err := b.call("PUT", queueEntity.item(n)+"/agents/"+url.PathEscape(ext), body, nil); err != nil {
			return fmt.Errorf("queue %s %s in %s: %w", sub, ext, n, err)
		}
	}
	fmt.Fprintf(stdout, "%s %sd in queue %s\n", ext, sub, strings.Join(queues, ", "))
	return nil
}

// applyQueueFlags builds the queue from the flags given (set: on top of
// the stored one) and saves it; q holds the flags' values.
func applyQueueFlags(b *backend, sub, number string, q *store.Queue, set map[string]bool,
	static, dynamic, noAnswer string, joinEmpty, skipBusy bool) error {
	from := *q
	if sub == "set" {
		cur, err := queueEntity.get(b, number)
		if err != nil {
			return err
		}
		// Only the flags given change.
		for name, apply := range map[string]func(){
			"name":               func() { cur.Name = from.Name },
			"strategy":           func() { cur.Strategy = from.Strategy },
			"agent-timeout":      func() { cur.AgentTimeout = from.AgentTimeout },
			"retry":              func() { cur.Retry = from.Retry },
			"wrap-up":            func() { cur.WrapUp = from.WrapUp },
			"max-wait":           func() { cur.MaxWait = from.MaxWait },
			"max-callers":        func() { cur.MaxCallers = from.MaxCallers },
			"leave-when-empty":   func() { cur.LeaveWhenEmpty = from.LeaveWhenEmpty },
			"auto-pause":         func() { cur.AutoPause = from.AutoPause },
			"auto-ready":         func() { cur.AutoReady = from.AutoReady },
			"music":              func() { cur.Music = from.Music },
			"intro":              func() { cur.Intro = from.Intro },
			"announce-position":  func() { cur.AnnouncePosition = from.AnnouncePosition },
			"announce-hold-time": func() { cur.AnnounceHoldTime = from.AnnounceHoldTime },
			"announce-frequency": func() { cur.AnnounceFrequency = from.AnnounceFrequency },
			"periodic-prompt":    func() { cur.PeriodicPrompt = from.PeriodicPrompt },
			"periodic-frequency": func() { cur.PeriodicFrequency = from.PeriodicFrequency },
			"sla":                func() { cur.SLA = from.SLA },
			"caller-id-prefix":   func() { cur.CallerIDPrefix = from.CallerIDPrefix },
		} {
			if set[name] {
				apply()
			}
		}
		*q = cur
	}
	q.Number = number
	if set["join-empty"] {
		q.JoinEmpty = &joinEmpty
	}
	if set["skip-busy"] {
		q.SkipBusy = &skipBusy
	}
	if set["static"] {
		q.StaticAgents = nil
		for _, s := range splitList(static) {
			ext, pen, hasPen := strings.Cut(s, ":")
			m := store.QueueMember{Ext: ext}
			if hasPen {
				p, err := strconv.Atoi(pen)
				if err != nil {
					return fmt.Errorf("--static %q: want EXT or EXT:PENALTY", s)
				}
				m.Penalty = p
			}
			q.StaticAgents = append(q.StaticAgents, m)
		}
	}
	if set["dynamic"] {
		q.DynamicAgents = splitList(dynamic)
	}
	if set["no-answer"] {
		q.NoAnswer = store.Destination{}
		if noAnswer != "" {
			q.NoAnswer = parseDest(noAnswer)
		}
	}
	if sub == "add" {
		return queueEntity.create(b, *q)
	}
	return queueEntity.put(b, number, *q)
}

var queueEntity = entity[store.Queue]{cmd: "queue", noun: "queue", path: "/api/v1/queues",
	stList: (*store.Store).ListQueues, stGet: (*store.Store).GetQueue, stCreate: (*store.Store).CreateQueue,
	stPut: (*store.Store).PutQueue, stDelete: (*store.Store).DeleteQueue,
	printList: printQueues, printOne: printQueue}

// agentList shows static agents with their penalty when it is not 0.
func agentList(q store.Queue) (static, dynamic string) {
	var s []string
	for _, m := range q.StaticAgents {
		if m.Penalty != 0 {
			s = append(s, fmt.Sprintf("%s:%d", m.Ext, m.Penalty))
		} else {
			s = append(s, m.Ext)
		}
	}
	return orDash(strings.Join(s, ",")), orDash(strings.Join(q.DynamicAgents, ","))
}

func printQueues(w io.Writer, list []store.Queue) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NUMBER\tNAME\tSTRATEGY\tSTATIC\tDYNAMIC\tMAX WAIT\tNO ANSWER")
	for _, q := range list {
		s, d := agentList(q)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", q.Number, orDash(q.Name), q.Strategy, s, d, secondsOrDash(q.MaxWait), noAnswerText(q.NoAnswer))
	}
	return tw.Flush()
}

func printQueue(w io.Writer, q store.Queue) error {
	s, d := agentList(q)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, f := range [][2]string{
		{"number", q.Number},
		{"name", orDash(q.Name)},
		{"strategy", q.Strategy},
		{"static agents", s},
		{"dynamic agents", d},
		{"agent timeout", fmt.Sprintf("%ds", q.AgentTimeout)},
		{"retry", fmt.Sprintf("%ds", q.Retry)},
		{"wrap-up", secondsOrDash(q.WrapUp)},
		{"max wait", secondsOrDash(q.MaxWait)},
		{"max callers", countOrDash(q.MaxCallers)},
		{"join empty", strconv.FormatBool(q.JoinsEmpty())},
		{"leave when empty", strconv.FormatBool(q.LeaveWhenEmpty)},
		{"skip busy", strconv.FormatBool(q.SkipsBusy())},
		{"auto pause", strconv.FormatBool(q.AutoPause)},
		{"auto ready", strconv.FormatBool(q.AutoReady)},
		{"music", orDash(q.Music)},
		{"intro", orDash(q.Intro)},
		{"announce", announceText(q)},
		{"periodic prompt", periodicText(q)},
		{"SLA", secondsOrDash(q.SLA)},
		{"no answer", noAnswerText(q.NoAnswer)},
		{"caller ID prefix", quotedOrDash(q.CallerIDPrefix)},
	} {
		fmt.Fprintf(tw, "%s:\t%s\n", f[0], f[1])
	}
	return tw.Flush()
}

func announceText(q store.Queue) string {
	var what []string
	if q.AnnouncePosition {
		what = append(what, "position")
	}
	if q.AnnounceHoldTime {
		what = append(what, "hold time")
	}
	if len(what) == 0 {
		return "-"
	}
	return fmt.Sprintf("%s every %ds", strings.Join(what, " and "), q.AnnounceFrequency)
}

func periodicText(q store.Queue) string {
	if q.PeriodicPrompt == "" {
		return "-"
	}
	return fmt.Sprintf("%s every %ds", q.PeriodicPrompt, q.PeriodicFrequency)
}

func countOrDash(n int) string {
	if n == 0 {
		return "-"
	}
	return strconv.Itoa(n)
}

func secondsOrDash(s int) string {
	if s == 0 {
		return "-"
	}
	return fmt.Sprintf("%ds", s)
}

func printQueueStatus(w io.Writer, list []queue.QueueStatus) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for i, s := range list {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		c := s.Counters
		fmt.Fprintf(tw, "queue %s %s (%s): %d waiting, %d ready; answered %d, abandoned %d, timeouts %d, SLA breaches %d, average wait %ds\n",
			s.Number, orDash(s.Name), s.Strategy, len(s.Callers), s.Ready(), c.Answered, c.Abandoned, c.Timeouts, c.SLABreaches, c.AverageWait)
		if len(s.Callers) > 0 {
			fmt.Fprintln(tw, "  POSITION\tCALLER\tCALL-ID\tWAITED\tRINGING")
			for _, cl := range s.Callers {
				fmt.Fprintf(tw, "  %d\t%s\t%s\t%ds\t%s\n", cl.Position, cl.Caller, cl.CallID, cl.Waited, orDash(strings.Join(cl.Ringing, ",")))
			}
		}
		fmt.Fprintln(tw, "  AGENT\tSTATE\tCALLS\tMISSED\tLAST CALL")
		for _, a := range s.Agents {
			state := a.State
			if a.PauseReason != "" {
				state += " (" + a.PauseReason + ")"
			}
			last := "-"
			if !a.LastCall.IsZero() {
				last = a.LastCall.Local().Format(time.DateTime)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%d\t%d\t%s\n", a.Ext, state, a.Calls, a.Missed, last)
		}
	}
	return tw.Flush()
}
