package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/hookswitch/hookswitch/switch/recording"
	"github.com/hookswitch/hookswitch/switch/voicemail"
	"github.com/hookswitch/hookswitch/web"
)

// mediaBackend is a backend with the recordings and voicemail opened on
// the data dir when the CLI holds it (nil through the control socket).
type mediaBackend struct {
	*backend
	rec *recording.Store
	vm  *voicemail.Store
}

func openMedia(data string) (*mediaBackend, error) {
	b, err := openBackend(data)
	if err != nil {
		return nil, err
	}
	m := &mediaBackend{backend: b}
	if b.st == nil {
		return m, nil
	}
	if m.rec, err = recording.Open(b.st, filepath.Join(data, recording.DirName)); err == nil {
		m.vm, err = voicemail.Open(b.st, m.rec, filepath.Join(data, voicemail.DirName))
	}
	if err != nil {
		b.close()
		return nil, err
	}
	return m, nil
}

// audio opens a WAV: the local file at path() on the data dir, or the API's
// audio route through the switch.
func (m *mediaBackend) audio(path func() (string, error), apiPath string) (io.ReadCloser, error) {
	if m.st != nil {
		p, err := path()
		if err != nil {
			return nil, err
		}
		return os.Open(p)
	}
	req, _ := http.NewRequest("GET", "http://hookswitch"+apiPath, nil)
	// No client timeout for a download: a long recording may take a while.
	c := *m.http
	c.Timeout = 0
	res, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("data dir is in use but the running switch does not answer on its control socket: %w", err)
	}
	if res.StatusCode >= 300 {
		defer res.Body.Close()
		return nil, apiError(res)
	}
	return res.Body, nil
}

func apiError(res *http.Response) error {
	var e struct{ Error string }
	if err := json.NewDecoder(io.LimitReader(res.Body, 64<<10)).Decode(&e); err != nil || e.Error == "" {
		return fmt.Errorf("switch: %s", res.Status)
	}
	return fmt.Errorf("switch: %s", e.Error)
}

// export copies a WAV to out: "-" is stdout, "" is NAME in the current
// directory.
func export(src io.ReadCloser, out, name string, stdout io.Writer) error {
	defer src.Close()
	if out == "-" {
		_, err := io.Copy(stdout, src)
		return err
	}
	if out == "" {
		out = name
	}
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	n, err := io.Copy(f, src)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(out)
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes)\n", out, n)
	return nil
}

// players are tried in order; each reads a WAV on stdin.
var players = [][]string{{"play", "-q", "-t", "wav", "-"}, {"aplay", "-q", "-"}}

// play pipes a WAV to sox's play or aplay.
func play(src io.ReadCloser, exportHint string) error {
	defer src.Close()
	for _, p := range players {
		bin, err := exec.LookPath(p[0])
		if err != nil {
			continue
		}
		cmd := exec.Command(bin, p[1:]...)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = src, os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%s: %w", p[0], err)
		}
		return nil
	}
	return fmt.Errorf("no audio player found (play from sox, or aplay): use '%s' and play the file", exportHint)
}

// duration formats d as m:ss.
func duration(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

const recordingUsage = "recording: want 'list [--kind K] [--limit N] [--offset N]', 'export ID [-o FILE|-]', 'play ID' or 'delete ID'"

// recordingCmd lists, exports, plays and deletes recordings, on the data
// dir or through the running switch (web/recording.go).
func recordingCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New(recordingUsage)
	}
	sub := args[0]
	want := map[string]int{"list": 0, "export": 1, "play": 1, "delete": 1}
	n, ok := want[sub]
	if !ok {
		return fmt.Errorf("recording: unknown subcommand %q; %s", sub, recordingUsage[len("recording: "):])
	}
	fs := flag.NewFlagSet("recording "+sub, flag.ContinueOnError)
	data := dataFlag(fs)
	var f recording.Filter
	var out string
	switch sub {
	case "list":
		fs.StringVar(&f.Kind, "kind", "", "only this kind: program, call or conference")
		fs.IntVar(&f.Limit, "limit", 50, "how many, newest first")
		fs.IntVar(&f.Offset, "offset", 0, "skip this many first")
	case "export":
		fs.StringVar(&out, "o", "", "output file, - for stdout (default ID.wav)")
	}
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != n {
		return fmt.Errorf("recording %s: want %d argument(s) (%s), got %q", sub, n, recordingUsage, pos)
	}
	var id string
	if n == 1 {
		if id = pos[0]; !recording.ValidID(id) {
			return fmt.Errorf("recording %s %q: %w", sub, id, recording.ErrInvalidID)
		}
	}
	m, err := openMedia(*data)
	if err != nil {
		return err
	}
	defer m.close()
	switch sub {
	case "list":
		var list web.RecordingList
		if m.rec != nil {
			var ms []recording.Meta
			ms, list.Total, err = m.rec.List(f)
			for _, r := range ms {
				list.Recordings = append(list.Recordings, web.Recording{ID: r.ID, Kind: r.Kind, From: r.From, To: r.To,
					Started: r.Started, Duration: r.Duration.Seconds(), Bytes: r.Bytes})
			}
		} else {
			q := url.Values{"kind": {f.Kind}, "limit": {strconv.Itoa(f.Limit)}, "offset": {strconv.Itoa(f.Offset)}}
			err = m.call("GET", "/api/v1/recordings?"+q.Encode(), nil, &list)
		}
		if err != nil {
			return fmt.Errorf("recording list: %w", err)
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tKIND\tFROM\tTO\tSTARTED\tDURATION\tBYTES")
		for _, r := range list.Recordings {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%d\n", r.ID, r.Kind, r.From, r.To, r.Started.Local().Format("2006-01-02 15:04:05"),
				duration(time.Duration(r.Duration*float64(time.Second))), r.Bytes)
		}
		if err := w.Flush(); err != nil {
			return err
		}
		if len(list.Recordings) < list.Total {
			fmt.Fprintf(stdout, "(%d of %d: see --limit and --offset)\n", len(list.Recordings), list.Total)
		}
	case "export", "play":
		src, err := m.audio(func() (string, error) { return m.rec.Path(id) }, "/api/v1/recordings/"+id+"/audio")
		if err != nil {
			return fmt.Errorf("recording %s %s: %w", sub, id, err)
		}
		if sub == "play" {
			err = play(src, "hookswitch recording export "+id+" -o FILE")
		} else {
			err = export(src, out, id+".wav", stdout)
		}
		if err != nil {
			return fmt.Errorf("recording %s %s: %w", sub, id, err)
		}
	case "delete":
		if m.rec != nil {
			err = m.rec.Delete(id)
		} else {
			err = m.call("DELETE", "/api/v1/recordings/"+id, nil, nil)
		}
		if err != nil {
			return fmt.Errorf("recording delete %s: %w", id, err)
		}
		fmt.Fprintf(stdout, "recording %s deleted\n", id)
	}
	return nil
}
