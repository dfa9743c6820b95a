package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/hookswitch/hookswitch/web"
)

// traceCmd: `trace CALL_ID [--raw] [--pcap FILE]` shows the SIP messages
// of a call (its legs' included) that the running switch keeps in memory:
// a ladder of who sent what to whom, the messages themselves with --raw,
// or a pcap file for Wireshark with --pcap.
func traceCmd(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("trace", flag.ContinueOnError)
	data := dataFlag(fs)
	pcap := fs.String("pcap", "", "write the trace as a pcap file (- for stdout) instead of the ladder")
	raw := fs.Bool("raw", false, "print every message whole after the ladder")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] == "" {
		return errors.New("trace: want one CALL_ID (the CDR's call id, see 'hookswitch cdr list')")
	}
	id := pos[0]
	b, err := runningSwitch(*data, "trace", "the SIP traces are kept in its memory")
	if err != nil {
		return err
	}
	defer b.close()
	path := "/api/v1/calls/" + url.PathEscape(id) + "/trace"
	if *pcap != "" {
		return tracePcap(b, path+".pcap", *pcap, stdout)
	}
	var tr web.CallTrace
	if err := b.call("GET", path, nil, &tr); err != nil {
		return fmt.Errorf("trace %s: %w", id, err)
	}
	printLadder(stdout, tr)
	if *raw {
		for i, m := range tr.Messages {
			fmt.Fprintf(stdout, "\n--- #%d %s %s %s -> %s\n%s", i+1, m.Time.Local().Format("15:04:05.000"),
				m.Transport, m.Src, m.Dst, printable(strings.ReplaceAll(m.Raw, "\r\n", "\n")))
		}
	}
	return nil
}

// tracePcap downloads the pcap into file ("-": out), whole or not at all.
func tracePcap(b *backend, path, file string, out io.Writer) error {
	res, err := b.stream("GET", path, nil)
	if err != nil {
		return fmt.Errorf("trace --pcap: %w", err)
	}
	defer res.Body.Close()
	if file == "-" {
		_, err := io.Copy(out, res.Body)
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".trace-*")
	if err != nil {
		return fmt.Errorf("trace --pcap: %w", err)
	}
	defer os.Remove(tmp.Name())
	n, err := io.Copy(tmp, res.Body)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		return fmt.Errorf("trace --pcap %s: %w", file, err)
	}
	fmt.Fprintf(out, "wrote %s (%d bytes)\n", file, n)
	return nil
}

// ladderCol is the width of one endpoint's column.
const ladderCol = 30

// printLadder draws the messages as arrows between the endpoints, in the
// order they first appear, one line each.
func printLadder(w io.Writer, tr web.CallTrace) {
	if len(tr.Messages) == 0 {
		fmt.Fprintf(w, "call %s: no messages\n", tr.CallID)
		return
	}
	first := tr.Messages[0].Time
	fmt.Fprintf(w, "call %s: %d messages from %s\n", tr.CallID, len(tr.Messages), first.Local().Format("2006-01-02 15:04:05.000"))
	if len(tr.CallIDs) > 1 {
		fmt.Fprintf(w, "call ids: %s\n", strings.Join(tr.CallIDs, ", "))
	}
	var ends []string
	col := map[string]int{}
	for _, m := range tr.Messages {
		for _, a := range []string{m.Src, m.Dst} {
			if _, ok := col[a]; !ok {
				col[a] = len(ends)
				ends = append(ends, a)
			}
		}
	}
	width := (len(ends)-1)*ladderCol + 1
	const prefix = "%4s  %-9s "
	head := []byte(strings.Repeat(" ", width+ladderCol))
	for i, a := range ends {
		if len(a) > ladderCol-1 {
			a = a[:ladderCol-2] + "~"
		}
		copy(head[i*ladderCol:], a)
	}
	fmt.Fprintf(w, "\n"+prefix+"%s\n", "#", "TIME", strings.TrimRight(string(head), " "))
	for i, m := range tr.Messages {
		line := []byte(strings.Repeat(" ", width))
		for c := range ends {
			line[c*ladderCol] = '|'
		}
		a, z := col[m.Src], col[m.Dst]
		label := arrowLabel(m.FirstLine)
		lo, hi := min(a, z)*ladderCol, max(a, z)*ladderCol
		if lo == hi { // to itself: a loop, drawn to the right
			hi = lo + ladderCol - 1
			line = append(line, strings.Repeat(" ", max(0, hi+1-len(line)))...)
		}
		for x := lo + 1; x < hi; x++ {
			line[x] = '-'
		}
		if a <= z {
			line[hi-1] = '>'
		} else {
			line[lo+1] = '<'
		}
		if room := hi - lo - 7; room > 0 { // an arrow head and a dash stay
			if len(label) > room {
				label = strings.ToValidUTF8(label[:room], "")
			}
			copy(line[lo+3:], " "+label+" ")
		}
		extra := m.Transport
		if len(tr.CallIDs) > 1 && m.CallID != tr.CallID {
			extra += " leg " + m.CallID
		}
		fmt.Fprintf(w, prefix+"%s  %s\n", fmt.Sprint(i+1), fmt.Sprintf("+%.3f", m.Time.Sub(first).Seconds()), line, extra)
	}
}

// arrowLabel is what an arrow says: the method of a request, the code and
// reason of a response.
func arrowLabel(first string) string {
	first = printable(first)
	if strings.HasPrefix(first, "SIP/2.0 ") {
		return strings.TrimPrefix(first, "SIP/2.0 ")
	}
	method, _, _ := strings.Cut(first, " ")
	return method
}

// printable drops the control characters a peer may have put in its
// messages (terminal escapes), keeping line breaks and tabs.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return -1
		}
		return r
	}, s)
}
