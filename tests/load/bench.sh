#!/usr/bin/env bash
# The load bench of issue 4: the same load generator (cmd/hookswitch-load)
# against hookswitch, against Kamailio (a stateful proxy with a Lua KEMI
# route, tests/load/kamailio/) and against its own UAS directly (the
# harness's ceiling), all on loopback on this machine. Writes the table, the
# machine and the command between the bench markers of docs/PERFORMANCE.md.
#
#   tests/load/bench.sh            full run (under 10 minutes on 2 cores)
#   tests/load/bench.sh --smoke    20-second check that every piece runs;
#                                  writes nothing; non-zero exit on failure
#   tests/load/bench.sh --no-doc   full run, table printed only
#
# Installs kamailio and kamailio-lua-modules with apt-get when missing (root,
# or sudo). Binds nothing but 127.0.0.1; every process it starts is bounded
# by timeout(1) and killed on exit. JSON results stay in the printed
# directory (BENCH_OUT to choose it).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

MODE=full
DOC=1
for a in "$@"; do
  case $a in
    --smoke) MODE=smoke; DOC=0 ;;
    --no-doc) DOC=0 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument $a" >&2; exit 2 ;;
  esac
done

# Every figure of a run; the scenario constants are here so the table can say
# what was run.
PW='Bench-pass-9x'            # one shared SIP password: the switch refuses passwords containing the number
CALLERS=1000-1099
CALLEES=2000-2099
REG_FIRST=3000
REG_N=5000                    # registrations for the memory figure and the REGISTER storm
STEP_S=8                      # seconds per call-rate step
HS_RATES=250,500,750,1000,1500,2000,2500,3000
KAM_RATES=500,1000,1500,2000,2500,3000,4000,5000
DIRECT_RATES=1000,2000,4000,6000,8000
HS_REG_RATES="1500 3000 4500 6000"
KAM_REG_RATES="3000 6000 9000"
REG_S=8
RTP_CONC="500 1000 1500"
RTP_HOLD=15                   # seconds each call is held; a step runs 3 x hold (ramp, plateau, drain)
BOUND=900                     # no process started here lives longer than this
if [ $MODE = smoke ]; then
  CALLERS=1000-1004
  CALLEES=2000-2004
fi

WORK=$(mktemp -d /tmp/hookswitch-bench.XXXXXX)
OUT=${BENCH_OUT:-$WORK/results}
mkdir -p "$OUT" "$WORK/bin" "$WORK/kamailio"
PIDS=()

log() { printf '%s bench: %s\n' "$(date +%T)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# stop ends one started process (a timeout(1) wrapper, which passes the
# signal on) and waits for it.
stop() {
  local p=$1
  kill -TERM "$p" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  set +e
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop "${PIDS[i]}"; done
  # Kamailio's workers, should its main process have died first: found by
  # the unique config path of this run, killed by id.
  for p in $(pgrep -f -- "$WORK/kamailio/kamailio.cfg" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
  rm -rf "$WORK/data" "$WORK/bin" "$WORK/kamailio" "$WORK/ext.curl"
  # The logs stay beside the results.
  if [ $MODE = smoke ] && [ $rc = 0 ] && [ -z "${BENCH_OUT:-}" ]; then
    rm -rf "$WORK"
  elif [ "$OUT" != "$WORK/results" ]; then
    mkdir -p "$OUT/logs" && cp "$WORK"/*.log "$OUT/logs/" 2>/dev/null
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# bg starts a bounded background process; its pid (the timeout wrapper's)
# is in $BG.
bg() {
  local out=$1; shift
  timeout --kill-after=5 "$BOUND" "$@" >"$out" 2>&1 &
  BG=$!
  PIDS+=("$BG")
}

# forget drops a stopped pid from the cleanup list.
forget() {
  local p=$1 keep=() q
  for q in "${PIDS[@]}"; do [ "$q" = "$p" ] || keep+=("$q"); done
  PIDS=("${keep[@]}")
}

used_ports() { ss -Hlnut 2>/dev/null | awk '{print $5}' | sed 's/.*://' | sort -u; }

# pick_port sets PORT to a port free for UDP and TCP on loopback, above the
# switch's RTP range, never one picked before in this run.
TAKEN=" "
pick_port() {
  local used p
  used=" $(used_ports | tr '\n' ' ') "
  for _ in $(seq 200); do
    p=$((40000 + RANDOM % 10000))
    case "$used$TAKEN" in *" $p "*) continue ;; esac
    TAKEN+="$p "
    PORT=$p
    return
  done
  die "no free port"
}

wait_for() { # seconds, description, command...
  local n=$(($1 * 10)) what=$2; shift 2
  for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done
  die "timed out waiting for $what"
}

listening_udp() { ss -Hlun "sport = :$1" 2>/dev/null | grep -q .; }

# ---------------------------------------------------------------- install
install_kamailio() {
  command -v kamailio >/dev/null 2>&1 && [ -n "$(kamailio_module app_lua.so)" ] && return 0
  log "installing kamailio kamailio-lua-modules"
  local sudo="" made_policy=0
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  # The package's service must not start: it would bind 5060 on every
  # interface. policy-rc.d denies it for this install.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends kamailio kamailio-lua-modules >/dev/null || true
  [ $made_policy = 1 ] && $sudo rm -f /usr/sbin/policy-rc.d
  command -v kamailio >/dev/null 2>&1 || die "kamailio did not install"
}

kamailio_module() {
  local m
  m=$(dpkg -L kamailio kamailio-lua-modules 2>/dev/null | grep "/modules/$1\$" | head -1) || true
  echo "$m"
}

# ---------------------------------------------------------------- processes
HS_PID=0
start_switch() {
  pick_port; SIP=$PORT
  pick_port; HTTP=$PORT
  log "hookswitch on udp 127.0.0.1:$SIP, admin api 127.0.0.1:$HTTP"
  # --sip-tls "" and --sip-tcp "": only the UDP socket, only on loopback.
  bg "$WORK/switch.log" "$WORK/bin/hookswitch" serve --data "$WORK/data" \
    --sip-udp "127.0.0.1:$SIP" --sip-tcp "" --sip-tls "" --http "127.0.0.1:$HTTP" \
    --advertise 127.0.0.1 --rtp-ip 127.0.0.1 --rtp-ports 10000-29999 --log-level warn
  SWITCH=$BG
  wait_for 20 "hookswitch" listening_udp "$SIP"
  HS_PID=$(pgrep -P "$SWITCH" | head -1)
  [ -n "$HS_PID" ] || die "no hookswitch process"
  ADMIN_PW=$(awk '/password:/ {print $2; exit}' "$WORK/switch.log")
  [ -n "$ADMIN_PW" ] || die "no admin credential in the switch's output"
}

# uas starts the harness's UAS on a port; extra flags follow.
uas() { # name port flags...
  local name=$1 port=$2; shift 2
  bg "$WORK/uas-$name.log" "$WORK/bin/hookswitch-load" uas --listen "127.0.0.1:$port" --json "$OUT/uas-$name.json" "$@"
  UAS_BG=$BG
  wait_for 30 "uas $name" grep -q "uas listening" "$WORK/uas-$name.log"
}

KAMAILIO=0
start_kamailio() { # port uas-port
  local d=$WORK/kamailio mpath
  mpath=$(dirname "$(kamailio_module tm.so)")
  sed -e "s|@PORT@|$1|g; s|@CHILDREN@|$(($(nproc) * 2))|; s|@MPATH@|$mpath/|; s|@LUA@|$d/kamailio.lua|" \
    tests/load/kamailio/kamailio.cfg >"$d/kamailio.cfg"
  sed -e "s|@UAS@|sip:127.0.0.1:$2|" tests/load/kamailio/kamailio.lua >"$d/kamailio.lua"
  kamailio -c -f "$d/kamailio.cfg" >"$d/check.log" 2>&1 || { cat "$d/check.log" >&2; die "kamailio config check"; }
  # Foreground (-DD) with its workers, logging to stderr (-E); the TLSF
  # allocator (-x/-X) is Kamailio's fastest; 1 GiB of shared memory holds
  # the transactions of a few thousand calls a second (5 s wait timer).
  bg "$WORK/kamailio.log" kamailio -f "$d/kamailio.cfg" -DD -E -m 1024 -M 32 -x tlsf -X tlsf -Y "$d" -P "$d/kamailio.pid"
  KAMAILIO=$BG
  wait_for 20 "kamailio" listening_udp "$1"
  log "kamailio $(kamailio -v 2>/dev/null | awk '/^version/ {print $3; exit}') on udp 127.0.0.1:$1"
}

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$HS_PID/status"; }

# settle waits (at most 20 s) until the switch's CPU use falls under 5 %:
# a failed step leaves retransmissions behind that would slow the next run.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
settle() {
  local a b
  for _ in $(seq 20); do
    a=$(cpu_ticks "$HS_PID"); sleep 1; b=$(cpu_ticks "$HS_PID")
    [ $((b - a)) -le 5 ] && return 0
  done
}

metrics() { curl -fsS -u "admin:$ADMIN_PW" "http://127.0.0.1:$HTTP/metrics"; }
hook_sum() { awk -v h="$2" '$1 ~ "^hookswitch_hook_duration_seconds_"h"\\{hook=\"route\"" {s += $2} END {printf "%.9f", s+0}' "$1"; }

# ---------------------------------------------------------------- runs
LOAD() { timeout --kill-after=5 300 "$WORK/bin/hookswitch-load" "$@"; }

# best_rate prints the highest step rate that passed, every lower step having
# passed too (0 when the first step failed).
best_rate() { jq '[foreach .[] as $s ({ok: true, r: 0}; if .ok and $s.pass then {ok: true, r: $s.rate_target} else {ok: false, r: .r} end; .r)] | last // 0' "$1"; }
first_rate() { echo "${1%%,*}"; }

run_call_steps() { # name target rates [calls flags...]
  local name=$1 target=$2 rates=$3; shift 3
  log "calls through $name at $rates calls/s, $STEP_S s each, until a step fails"
  LOAD steps --target "$target" --to "$CALLEES" --rates "$rates" --duration "${STEP_S}s" \
    --pause 2s --quiet --json "$OUT/calls-$name.json" "$@" | tee -a "$OUT/tables.txt" >&2 ||
    die "calls through $name did not complete"
}

run_reg_steps() { # name target users rates
  local name=$1 target=$2 users=$3 rates=$4 r f
  log "REGISTER storm on $name at $rates /s, $REG_S s each, until a step fails"
  echo "[]" >"$OUT/register-$name.json"
  for r in $rates; do
    f=$OUT/register-$name-$r.json
    LOAD register --target "$target" --users "$users" --password-fmt "$PW" --rate "$r" \
      --duration "${REG_S}s" --quiet --json "$f" | tee -a "$OUT/tables.txt" >&2 ||
      die "register on $name did not complete"
    jq -s '.[0] + [.[1]]' "$OUT/register-$name.json" "$f" >"$f.all" && mv "$f.all" "$OUT/register-$name.json"
    [ "$(jq .pass "$f")" = true ] || break
    [ "$name" = hookswitch ] && settle
  done
}

# ---------------------------------------------------------------- main
START=$(date +%s)
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
install_kamailio
command -v jq >/dev/null 2>&1 || die "jq is needed (apt-get install jq)"
log "building hookswitch and hookswitch-load"
go build -o "$WORK/bin/hookswitch" ./cmd/hookswitch
go build -o "$WORK/bin/hookswitch-load" ./cmd/hookswitch-load

log "creating extensions $CALLERS and $CALLEES"
for range in $CALLERS $CALLEES; do
  for n in $(seq "${range%-*}" "${range#*-}"); do
    "$WORK/bin/hookswitch" ext add "$n" --password "$PW" --data "$WORK/data" >/dev/null
  done
done

start_switch
pick_port; UAS_HS=$PORT
pick_port; UAS_D=$PORT
pick_port; KAM=$PORT

if [ $MODE = smoke ]; then
  uas hookswitch "$UAS_HS" --register "127.0.0.1:$SIP" --users "$CALLEES" --password-fmt "$PW" --rtp
  log "smoke: calls through hookswitch, with RTP"
  LOAD calls --target "127.0.0.1:$SIP" --to "$CALLEES" --from "$CALLERS" --password-fmt "$PW" \
    --rate 20 --duration 3s --hold 1s --rtp --quiet --json "$OUT/smoke-hookswitch.json" >&2 ||
    die "calls through hookswitch did not complete"
  metrics >"$OUT/metrics.txt" || die "metrics scrape"
  grep -q 'hookswitch_hook_duration_seconds_count{hook="route"' "$OUT/metrics.txt" || die "no route hook metric"
  uas direct "$UAS_D"
  start_kamailio "$KAM" "$UAS_D"
  log "smoke: calls through kamailio, and direct"
  LOAD calls --target "127.0.0.1:$KAM" --to "$CALLEES" --rate 20 --duration 2s --quiet --json "$OUT/smoke-kamailio.json" >&2 ||
    die "calls through kamailio did not complete"
  LOAD calls --target "127.0.0.1:$UAS_D" --to "$CALLEES" --rate 20 --duration 2s --quiet --json "$OUT/smoke-direct.json" >&2 ||
    die "direct calls did not complete"
  LOAD register --target "127.0.0.1:$KAM" --users "$CALLERS" --password-fmt "$PW" --rate 20 --duration 1s --quiet --json "$OUT/smoke-kamailio-register.json" >&2 ||
    die "register on kamailio did not complete"
  for f in smoke-hookswitch smoke-kamailio smoke-direct smoke-kamailio-register; do
    jq -e '.attempted > 0 and .ok == .attempted' "$OUT/$f.json" >/dev/null || die "$f: $(jq -c '{attempted, ok, failures}' "$OUT/$f.json")"
  done
  jq -e '.rtp.packets_received > 0' "$OUT/smoke-hookswitch.json" >/dev/null || die "no RTP through hookswitch"
  log "smoke: ok in $(($(date +%s) - START)) s"
  exit 0
fi

# Registration users for the memory figure and the REGISTER storm, created
# through the running switch's control socket in one curl (one connection).
REG_LAST=$((REG_FIRST + REG_N - 1))
log "creating extensions $REG_FIRST-$REG_LAST through the control socket"
for n in $(seq $REG_FIRST $REG_LAST); do
  printf 'url = "http://hookswitch/api/v1/extensions"\nrequest = "POST"\nheader = "Content-Type: application/json"\ndata = "{\\"number\\":\\"%s\\",\\"password\\":\\"%s\\"}"\noutput = "/dev/null"\nnext\n' "$n" "$PW"
done >"$WORK/ext.curl"
curl -sS --fail --unix-socket "$WORK/data/hookswitch.sock" -K "$WORK/ext.curl" || die "creating extensions"

# (d) memory per registration: the switch's RSS before and after REG_N
# registrations, with the callees' UAS already registered.
uas hookswitch "$UAS_HS" --register "127.0.0.1:$SIP" --users "$CALLEES" --password-fmt "$PW" --rtp
sleep 3
REGS0=$(curl -fsS --unix-socket "$WORK/data/hookswitch.sock" http://hookswitch/api/v1/registrations | jq length)
RSS0=$(rss_kib)
log "registering $REG_N users (RSS $RSS0 KiB)"
LOAD register --target "127.0.0.1:$SIP" --users "$REG_FIRST-$REG_LAST" --password-fmt "$PW" \
  --rate 2500 --duration "$((REG_N / 2500))s" --quiet --json "$OUT/register-memory.json" >&2 ||
  die "registering users did not complete"
sleep 3
RSS1=$(rss_kib)
REGS=$(($(curl -fsS --unix-socket "$WORK/data/hookswitch.sock" http://hookswitch/api/v1/registrations | jq length) - REGS0))
log "$REGS new registrations (RSS $RSS1 KiB)"

# (c) concurrent RTP calls, stepping, each step a calls run of 3 x hold
# (ramp to N, N held for a hold, drain) with the switch's RSS sampled.
echo "[]" >"$OUT/rtp.json"
RTP_BEST=0 RTP_PEAK=0 RTP_ACTIVE=0
for n in $RTP_CONC; do
  log "RTP: $n concurrent anchored G.711 calls, $RTP_HOLD s holds"
  (while sleep 0.5; do rss_kib; done >"$WORK/rss-$n.txt" 2>/dev/null) &
  SAMPLER=$!
  PIDS+=("$SAMPLER")
  f=$OUT/rtp-$n.json
  LOAD calls --target "127.0.0.1:$SIP" --to "$CALLEES" --from "$CALLERS" --password-fmt "$PW" \
    --rate "$(awk -v n="$n" -v h="$RTP_HOLD" 'BEGIN {print n / h}')" --duration "$((2 * RTP_HOLD))s" \
    --hold "${RTP_HOLD}s" --rtp --quiet --json "$f" | tee -a "$OUT/tables.txt" >&2 ||
    die "RTP calls did not complete"
  stop "$SAMPLER"; forget "$SAMPLER"
  peak=$(sort -n "$WORK/rss-$n.txt" | tail -1)
  jq --argjson peak "$peak" --argjson base "$RSS1" '. + {rss_base_kib: $base, rss_peak_kib: $peak}' "$f" >"$f.t" && mv "$f.t" "$f"
  jq -s '.[0] + [.[1]]' "$OUT/rtp.json" "$f" >"$f.all" && mv "$f.all" "$OUT/rtp.json"
  RTP_PEAK=$peak RTP_ACTIVE=$(jq .max_active "$f")
  [ "$(jq .pass "$f")" = true ] || break
  RTP_BEST=$n
  settle
done
stop "$UAS_BG"; forget "$UAS_BG"

# (a) call rate through hookswitch, with the route hook's latency from the
# metrics before and after.
uas hookswitch "$UAS_HS" --register "127.0.0.1:$SIP" --users "$CALLEES" --password-fmt "$PW"
settle
metrics >"$WORK/metrics-0.txt"
run_call_steps hookswitch "127.0.0.1:$SIP" "$HS_RATES" --from "$CALLERS" --password-fmt "$PW"
metrics >"$WORK/metrics-1.txt"
cp "$WORK/metrics-1.txt" "$OUT/metrics.txt"
HOOK_US=$(awk -v s0="$(hook_sum "$WORK/metrics-0.txt" sum)" -v s1="$(hook_sum "$WORK/metrics-1.txt" sum)" \
  -v c0="$(hook_sum "$WORK/metrics-0.txt" count)" -v c1="$(hook_sum "$WORK/metrics-1.txt" count)" \
  'BEGIN {if (c1 > c0) printf "%.1f", 1e6 * (s1 - s0) / (c1 - c0); else print "n/a"}')
HOOK_N=$(awk -v c0="$(hook_sum "$WORK/metrics-0.txt" count)" -v c1="$(hook_sum "$WORK/metrics-1.txt" count)" 'BEGIN {printf "%d", c1 - c0}')

# (b) REGISTER storm against hookswitch (digest auth).
settle
run_reg_steps hookswitch "127.0.0.1:$SIP" "$REG_FIRST-$REG_LAST" "$HS_REG_RATES"
stop "$UAS_BG"; forget "$UAS_BG"
settle

# The references: Kamailio relaying to the harness's UAS, then the UAS alone.
uas direct "$UAS_D"
start_kamailio "$KAM" "$UAS_D"
run_call_steps kamailio "127.0.0.1:$KAM" "$KAM_RATES"
sleep 3
run_reg_steps kamailio "127.0.0.1:$KAM" "$REG_FIRST-$REG_LAST" "$KAM_REG_RATES"
stop "$KAMAILIO"; forget "$KAMAILIO"
sleep 2
run_call_steps direct "127.0.0.1:$UAS_D" "$DIRECT_RATES"
ELAPSED=$(($(date +%s) - START))

# ---------------------------------------------------------------- table
HS_CPS=$(best_rate "$OUT/calls-hookswitch.json")
KAM_CPS=$(best_rate "$OUT/calls-kamailio.json")
DIR_CPS=$(best_rate "$OUT/calls-direct.json")
HS_REG=$(best_rate "$OUT/register-hookswitch.json")
KAM_REG=$(best_rate "$OUT/register-kamailio.json")
PER_REG=$(awk -v a="$RSS0" -v b="$RSS1" -v n="$REGS" 'BEGIN {if (n > 0) printf "%.0f", 1024 * (b - a) / n; else print 0}')
PER_CALL=$(awk -v a="$RSS1" -v b="$RTP_PEAK" -v n="$RTP_ACTIVE" 'BEGIN {if (n > 0) printf "%.0f", 1024 * (b - a) / n; else print 0}')

shown() { # a rate, or "< first step" when the first step failed
  if [ "$1" = 0 ]; then echo "< $2"; else echo "$1"; fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a > 0 && b > 0) printf "%.2f", a / b; else print "n/a"}'; }
yes_no() { if awk "BEGIN {exit !($1)}"; then echo yes; else echo "**no**"; fi; }
kib() { awk -v b="$1" 'BEGIN {printf "%.1f KiB", b / 1024}'; }

LAST_RTP=${RTP_CONC##* }
TABLE=$(cat <<EOF
| scenario | hookswitch | Kamailio | direct | hookswitch / Kamailio | hookswitch / direct | target | met? |
|---|---|---|---|---|---|---|---|
| (a) calls/s, highest step with no failed call and p99 setup < 200 ms | $(shown "$HS_CPS" "$(first_rate "$HS_RATES")") | $(shown "$KAM_CPS" "$(first_rate "$KAM_RATES")") | $(shown "$DIR_CPS" "$(first_rate "$DIRECT_RATES")") | $(ratio "$HS_CPS" "$KAM_CPS") | $(ratio "$HS_CPS" "$DIR_CPS") | ≥ 2000 and ≥ 0.5 x Kamailio | $(yes_no "$HS_CPS >= 2000 && $HS_CPS >= 0.5 * $KAM_CPS") |
| (b) REGISTER/s, highest step with no failure (hookswitch: digest auth; Kamailio: no auth) | $(shown "$HS_REG" "${HS_REG_RATES%% *}") | $(shown "$KAM_REG" "${KAM_REG_RATES%% *}") | | $(ratio "$HS_REG" "$KAM_REG") | | ≥ 3000 | $(yes_no "$HS_REG >= 3000") |
| (c) concurrent anchored G.711 calls, loss ≤ 0.1 %, jitter p99 ≤ 5 ms (steps $RTP_CONC) | $(shown "$RTP_BEST" "${RTP_CONC%% *}") | | | | | ≥ 1000 | $(yes_no "$RTP_BEST >= 1000") |
| (d) memory per idle registration (RSS delta over $REGS registrations) | $(kib "$PER_REG") | | | | | < 4 KiB | $(yes_no "$PER_REG < 4096") |
| (d) memory per active anchored call (RSS peak delta over $RTP_ACTIVE calls) | $(kib "$PER_CALL") | | | | | < 64 KiB | $(yes_no "$PER_CALL > 0 && $PER_CALL < 65536") |
| (e) \`route\` hook (Lua), mean latency during (a), $HOOK_N calls | $HOOK_US µs | | | | | | |
EOF
)

GOV=$(go version | awk '{print $3}')
KAMV=$(kamailio -v 2>/dev/null | awk '/^version/ {print $3; exit}')
MACHINE="$(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r), $GOV, Kamailio $KAMV; load average at start $LOAD_AT_START"

SECTION=$(cat <<EOF
<!-- bench:begin -->
## Load bench (issue 4, generated by \`make bench\`, $(date +%F))

Machine: $MACHINE. The load generator (\`cmd/hookswitch-load\`) and the
server under test share the machine's cores, over loopback UDP; the run took
$ELAPSED s.

$TABLE

- **hookswitch**: \`hookswitch serve\` with its default Lua dial plan; every
  call authenticates its INVITE (digest MD5, the nonce reused with a growing
  nc after the first challenge), is bridged as a B2BUA with its media
  anchored (SDP rewritten, RTP ports allocated) and leaves a CDR in the
  store. The UAS registers $CALLEES to the switch.
- **Kamailio**: a transaction-stateful proxy (tm) with record-routing and a
  Lua KEMI route (\`tests/load/kamailio/\`), no authentication, no media, no
  accounting; it relays to the same UAS. It is the reference for signalling
  cost, not a B2BUA: it does less work per call than hookswitch.
- **direct**: the generator's UAC calling its own UAS, the harness's ceiling.
- Call steps: $STEP_S s each at $HS_RATES (hookswitch), $KAM_RATES
  (Kamailio), $DIRECT_RATES (direct) calls/s, answered calls hung up at
  once; a run stops at the first failing step. REGISTER steps: $REG_S s each
  at $HS_REG_RATES (hookswitch) and $KAM_REG_RATES (Kamailio) /s over
  $REG_N users. RTP steps: $RTP_CONC concurrent calls, each held
  $RTP_HOLD s with 20 ms G.711 both ways, ramped over $RTP_HOLD s.
- Memory: the switch's VmRSS before and after $REG_N registrations, and
  from then to its peak while the largest RTP step ran; Go's heap is
  reused between steps and collected lazily, so these are RSS deltas, not
  live-heap sizes.
- JSON of every step and the generator's tables: the results directory the
  script prints.

\`\`\`sh
make bench                 # or: tests/load/bench.sh
tests/load/bench.sh --smoke  # 20-second check that every piece runs
\`\`\`
<!-- bench:end -->
EOF
)

printf '%s\n' "$TABLE" | tee "$OUT/table.md"
log "done in $ELAPSED s; results in $OUT"

if [ $DOC = 1 ]; then
  doc=docs/PERFORMANCE.md
  printf '%s\n' "$SECTION" >"$WORK/section.md"
  if grep -q '<!-- bench:begin -->' "$doc" && grep -q '<!-- bench:end -->' "$doc"; then
    awk -v f="$WORK/section.md" '
      /<!-- bench:begin -->/ {while ((getline l < f) > 0) print l; skip = 1; next}
      /<!-- bench:end -->/ {skip = 0; next}
      !skip' "$doc" >"$WORK/doc.md"
  else
    { cat "$doc"; echo; cat "$WORK/section.md"; } >"$WORK/doc.md"
  fi
  cat "$WORK/doc.md" >"$doc"
  log "updated $doc"
fi
