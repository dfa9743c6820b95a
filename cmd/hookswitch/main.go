// Command hookswitch runs the switch (`hookswitch` or `hookswitch serve`) and
// administers it (`hookswitch ext add 1001 --password ...`, `cdr list`,
// `cert generate`).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

const usage = `hookswitch: a SIP registrar, B2BUA and media anchor driven by scripts.

Usage:
  hookswitch [serve] [flags]                 run the switch (see 'hookswitch serve -h')
  hookswitch ext add NUMBER [--password PW] [--name NAME] [--max-contacts N]
  hookswitch ext list
  hookswitch ext show NUMBER [--json]        every field and setting (no password)
  hookswitch ext set NUMBER [--name N] [--email E] [--password PW] [--max-contacts N] [--tenant T]
              [--codecs PCMA,PCMU] [--dtmf-mode rfc2833|info|inband] [--permit-ip CIDR,...]
              [--recording on_demand|always|never] [--language en] [--pickup-group N]
              [--call-waiting=false] [--voicemail=false]   a flag left out keeps the value (add takes them too)
  hookswitch ext remove NUMBER
  hookswitch ext features NUMBER [--dnd on|off] [--forward KIND=NUMBER] [--follow-me N:S,...]
                                              show or set DND, forwarding (all, busy, no_answer,
                                              unavailable; KIND= clears) and follow-me
  hookswitch cdr list [--limit N] [--number N] [--json]
  hookswitch reg list                         registrations (running switch only)
  hookswitch script check [--scripts DIR]     validate scripts offline, as a reload would
  hookswitch script reload                    reload the running switch's scripts
  hookswitch plugin add FILE [--name NAME]    validate a Wasm plugin and install it (the switch reloads)
  hookswitch plugin check FILE                validate a Wasm plugin offline
  hookswitch plugin list                      the plugins the switch loads (name, size, SHA-256)
  hookswitch plugin history NAME              its earlier versions (kept on replace and delete)
  hookswitch plugin rollback|delete NAME      put the newest earlier version back / remove it, and reload (running switch)
  hookswitch billing rates import FILE       add a CSV rate deck to the billing plugin's rates
  hookswitch billing rates export            print the rates as CSV
  hookswitch billing rates clear             delete every rate
  hookswitch billing balance set EXT AMOUNT  set an extension's prepaid balance ("12.50")
  hookswitch billing balance topup EXT AMOUNT add to it (negative: a correction), atomically
  hookswitch billing balance get EXT
  hookswitch billing balance list
  hookswitch voicemail list [BOX]             voicemail messages (every box's without BOX)
  hookswitch voicemail export BOX ID [-o F]   a message's WAV to F (default ID.wav; - for stdout)
  hookswitch voicemail play BOX ID            play a message (needs sox's play or aplay)
  hookswitch voicemail delete BOX ID
  hookswitch voicemail pin BOX PIN            set a box's PIN (4-10 digits)
  hookswitch recording list [--kind K] [--limit N] [--offset N]
  hookswitch recording export ID [-o F]       a recording's WAV to F (default ID.wav; - for stdout)
  hookswitch recording play ID
  hookswitch recording delete ID
  hookswitch blacklist list|add NUMBER|remove NUMBER   callers refused with 603
  hookswitch trunk list|set NAME --kind register|ip|accept-register [--host H] [--username U] ...|remove NAME
  hookswitch tenant list|show NAME|delete NAME   tenants and their DID pools on shared trunks
  hookswitch tenant usage NAME                extensions and calls now against its quotas
  hookswitch tenant set NAME --domain D [--trunk TRUNK[:POOL] ...]   POOL: "*", "44*****", "12000-18000", ';' lists
  hookswitch group list|show NUMBER|delete NUMBER   ring groups
  hookswitch group add|set NUMBER [--members EXT,...] [--strategy ringall|hunt|cyclic|leastworked|random]
              [--ring-time S] [--no-answer KIND[:TARGET]] [--name N] [--caller-id-prefix P] [--outbound-cid N]
  hookswitch queue list|show NUMBER|delete NUMBER   call queues
  hookswitch queue add|set NUMBER [--static EXT[:PENALTY],...] [--dynamic EXT,...] [--strategy S]
              [--agent-timeout S] [--wrap-up S] [--max-wait S] [--no-answer KIND[:TARGET]] ... (queue add -h)
  hookswitch queue status [NUMBER]|abandoned NUMBER   live callers, agents and counters (running switch)
  hookswitch queue login|logout NUMBER EXT|pause EXT [--reason R]|unpause EXT   agents (running switch)
  hookswitch dialpolicy show|set [--block P]... [--country CC]... [--emergency N]...   what may be dialled out
  hookswitch timecond list|set NAME --zone Z --schedule S [--holidays H]|remove NAME
  hookswitch timecond override NAME closed|open|none [--until RFC3339]   office hours
  hookswitch route inbound list|remove NAME
  hookswitch route inbound add NAME --did D --dest KIND[:TARGET] [--trunk T ...] [--caller MASK] [--tenant T]
              [--direct] [--order N] [--timecond TC --closed KIND[:TARGET]]   calls from trunks
  hookswitch route outbound list|remove NAME
  hookswitch route outbound add NAME --pattern [PREFIX:]PATTERN[:PREPEND] ... --trunk T ...
              [--source EXT ...] [--min-len N] [--max-len N] [--timecond TC] [--pin-set P]
              [--caller-id extension|trunk|NUMBER] [--time-limit S] [--method linear|linear-cycle]
  hookswitch pinset list|show NAME [--reveal]|delete NAME   PIN sets a dial rule asks callers for
  hookswitch pinset set NAME [--pins PIN[:LABEL],...] [--description D]|add-pin NAME PIN[:LABEL]|remove-pin NAME PIN
  hookswitch user list|add NAME --role R [--tenant T] [--ext N] [--password P]|set NAME [flags]|passwd NAME|delete NAME   admin UI and portal users
  hookswitch token list|add NAME [--role R] [--expires 720h]|delete ID   API tokens (Authorization: Bearer), shown once
  hookswitch conference list                  live rooms and members (the switch must run)
  hookswitch conference kick ROOM CALL-ID
  hookswitch conference mute ROOM CALL-ID on|off
  hookswitch conference lock ROOM on|off
  hookswitch cert generate [--host H ...]     self-signed TLS certificate into the data dir
  hookswitch backup [--out FILE] [--include-keys]   the store and data files as a .tar.gz
  hookswitch backup list [--dir DIR]          scheduled backups (serve --backup-every), their schedule and last outcome
  hookswitch restore FILE [--force]          check a backup whole, then replace the store and files
  hookswitch trace CALL_ID [--raw] [--pcap FILE]   a call's SIP messages as a ladder, whole, or as pcap (running switch)
  hookswitch ping TARGET                      SIP OPTIONS to an extension's contacts, a trunk or sip:host[:port] (running switch)
  hookswitch logs [--level L] [--call-id ID] [--grep TEXT] [--limit N] [--follow] [--json]   recent log records (running switch)
  hookswitch stats [--hours N] [--json]       hourly attempts, answered, ASR, peak calls and registrations, per tenant
  hookswitch version

Every command takes --data DIR (env HOOKSWITCH_DATA, default ./data). Admin
commands work on the data dir directly, or through the running switch's
control socket when it holds the data dir.
`

var version = "0.1.0-dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(args, stderr)
	case "ext":
		err = extCmd(args, stdout)
	case "cdr":
		err = cdrCmd(args, stdout)
	case "reg":
		err = regCmd(args, stdout)
	case "cert":
		err = certCmd(args, stdout)
	case "script":
		err = scriptCmd(args, stdout)
	case "plugin":
		err = pluginCmd(args, stdout)
	case "billing":
		err = billingCmd(args, stdout)
	case "voicemail":
		err = voicemailCmd(args, stdout)
	case "recording":
		err = recordingCmd(args, stdout)
	case "conference":
		err = conferenceCmd(args, stdout)
	case "blacklist":
		err = blacklistCmd(args, stdout)
	case "timecond":
		err = timecondCmd(args, stdout)
	case "trunk":
		err = trunkCmd(args, stdout)
	case "tenant":
		err = tenantCmd(args, stdout)
	case "group":
		err = groupCmd(args, stdout)
	case "queue":
		err = queueCmd(args, stdout)
	case "dialpolicy":
		err = dialPolicyCmd(args, stdout)
	case "route":
		err = routeCmd(args, stdout)
	case "pinset":
		err = pinSetCmd(args, stdout)
	case "user":
		err = userCmd(args, stdout)
	case "token":
		err = tokenCmd(args, stdout)
	case "backup":
		err = backupCmd(args, stdout)
	case "trace":
		err = traceCmd(args, stdout)
	case "ping":
		err = pingCmd(args, stdout)
	case "logs":
		err = logsCmd(args, stdout)
	case "stats":
		err = statsCmd(args, stdout)
	case "restore":
		err = restoreCmd(args, stdout)
	case "version":
		fmt.Fprintln(stdout, "hookswitch", version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		err = fmt.Errorf("unknown command %q (try 'hookswitch help')", cmd)
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "hookswitch:", err)
		return 1
	}
	return 0
}

// parse parses flags that may come after positional arguments
// (`ext add 1001 --password x`), returning the positionals.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// env returns the environment variable's value or def.
func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", env("HOOKSWITCH_DATA", "./data"), "data directory (env HOOKSWITCH_DATA)")
}
