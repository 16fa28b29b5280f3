#!/usr/bin/env bash
# Pollen benchmarks: Pollen epoll against Netty's epoll, io_uring and NIO transports and a C
# reference server, measured so that ratios stay stable on a small shared machine: every server
# runs at the same time pinned to core 0 (one event-loop thread each), one C load client pinned to
# core 1 loads them all equally, and each server is judged by its CPU time
# (/proc/PID/task/*/schedstat) per unit of work.
#
#   bash benchmarks/run.sh --quick        start every server, check every workload answers
#                                         correctly; non-zero exit on any error (CI). Judged on
#                                         counts, never on time: per workload it first waits
#                                         until every server answers one request correctly,
#                                         then until each has given a fixed number of correct
#                                         answers with no error; only a server still short of
#                                         them at the deadline (--deadline) fails
#   bash benchmarks/run.sh [options]      measure; prints one markdown table per workload and
#                                         writes docs/benchmarks.md if no run was disturbed
# Options:
#   --servers LIST     comma-separated, from: pollen-epoll,netty-epoll,netty-io_uring,netty-nio,c-ref
#                      (default: all of these) and pollen-epoll-nobatch (Pollen with WRITE_BATCHING off)
#   --workloads LIST   comma-separated, from: http16,http1,echo,churn,udp,httpcodec16,httpcodec1,stream
#                      (default: all)
#   --runs N           measured runs per workload (default 6)
#   --seconds S        length of one measured run (default 6)
#   --warmup S         warm-up of each server alone, per workload (default 3)
#   --conns N          connections per server for http, httpcodec and echo (default 64)
#   --no-docs          do not write docs/benchmarks.md
#   --no-build         use what benchmarks/target already holds
#   --deadline S       whole seconds a server may take to print its ports and, in --quick
#                      mode, to answer a workload's first request and then its checked number
#                      of requests (default 120: a busy machine needs time, an idle one seconds)
# Workloads: http16/http1 HTTP/1.1 plaintext pipelined 16 deep / not pipelined, through a small
# hand-written handler; httpcodec16/httpcodec1 the same requests and response bytes through Netty's
# HttpServerCodec (JVM servers only: the C server has no such variant); echo 64-byte TCP echo; churn
# one request per connection; udp 64-byte UDP echo; stream 64 KiB TCP echo messages on 4
# connections per server, reported as CPU per MB (10^6 bytes echoed back).
# Microbenchmarks of the hot paths (JMH, Pollen against Netty epoll) are benchmarks/jmh.sh's.
# Traffic goes to 127.0.0.1 only; every process started here is killed on exit.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
TARGET="$HERE/target"
LOCK=/tmp/pollen-build.lock

QUICK=0 RUNS=6 SECONDS_PER_RUN=6 WARMUP=3 CONNS=64 DOCS=1 BUILD=1
SERVERS="pollen-epoll,netty-epoll,netty-io_uring,netty-nio,c-ref"
WORKLOADS="http16,http1,echo,churn,udp,httpcodec16,httpcodec1,stream"
RAMP=1            # seconds of load before a measured interval starts
MAX_OTHER=0.05    # discard a run if other processes used more than this share of one core
DEADLINE=120      # seconds a server may take to start, or (--quick) to answer what is asked of it

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --servers) SERVERS="$2"; shift ;;
    --workloads) WORKLOADS="$2"; shift ;;
    --runs) RUNS="$2"; shift ;;
    --seconds) SECONDS_PER_RUN="$2"; shift ;;
    --warmup) WARMUP="$2"; shift ;;
    --conns) CONNS="$2"; shift ;;
    --no-docs) DOCS=0 ;;
    --no-build) BUILD=0 ;;
    --deadline) DEADLINE="$2"; shift ;;
    -h|--help) sed -n '2,/^# Traffic goes/p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
IFS=, read -r -a SERVER_LIST <<< "$SERVERS"
IFS=, read -r -a WORKLOAD_LIST <<< "$WORKLOADS"

log() { echo "run.sh: $*" >&2; }

# ---------------------------------------------------------------- processes and clean-up
PIDS=()
WORK="$(mktemp -d /tmp/pollen-bench.XXXXXX)"
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- build
# Builds take the build lock, unless this script already runs under it (flock LOCK bash run.sh:
# the lock's descriptor is inherited), where taking it again would wait forever.
LOCKED=(flock "$LOCK")
for fd in /proc/$$/fd/*; do
  if [ "$(readlink "$fd" 2>/dev/null)" = "$LOCK" ]; then LOCKED=(); break; fi
done
build() {
  mkdir -p "$TARGET"
  if ! (cd "$ROOT" && "${LOCKED[@]}" mvn -o -q -f benchmarks/pom.xml package -DskipTests); then
    log "offline build failed; building with downloads and the Pollen modules it needs"
    (cd "$ROOT" && "${LOCKED[@]}" mvn -q -pl benchmarks -am package -DskipTests)
  fi
  gcc -O2 -Wall -Wextra -Werror -o "$TARGET/ref_server" "$HERE/src/main/c/ref_server.c"
  gcc -O2 -Wall -Wextra -Werror -o "$TARGET/load_client" "$HERE/src/main/c/load_client.c"
  gcc -O2 -Wall -Wextra -Werror -o "$TARGET/syscall_cost" "$HERE/src/main/c/syscall_cost.c"
}
[ "$BUILD" = 1 ] && build

NPROC="$(nproc)"
if [ "$NPROC" -ge 2 ]; then
  SERVER_PIN=(taskset -c 0) CLIENT_CPU=(-c 1)
else
  [ "$QUICK" = 1 ] || { log "measuring needs two CPUs (servers on 0, client on 1)"; exit 2; }
  SERVER_PIN=() CLIENT_CPU=()
fi

# ---------------------------------------------------------------- servers
JVM_FLAGS=(-XX:+UseParallelGC -Xms1g -Xmx1g -XX:+AlwaysPreTouch)
CLASSPATH_="$TARGET/pollen-benchmarks-0.1.0-SNAPSHOT.jar:$TARGET/lib/*"
declare -A SPID PORT

start_server() {
  local name="$1" out="$WORK/$1.out"
  if [ "$name" = c-ref ]; then
    "${SERVER_PIN[@]}" "$TARGET/ref_server" 127.0.0.1 > "$out" 2>&1 &
  else
    "${SERVER_PIN[@]}" java "${JVM_FLAGS[@]}" -cp "$CLASSPATH_" dev.pollen.benchmarks.BenchServer \
      "$name" 127.0.0.1 > "$out" 2>&1 &
  fi
  local pid=$!
  PIDS+=("$pid")
  SPID[$name]=$pid
}

# Waits until a server has printed its ports (a JVM touching its 1 GiB heap on a busy core can
# take long), at most DEADLINE seconds; fails at once if it died.
wait_ports() {
  local name="$1" out="$WORK/$1.out" kv start=$SECONDS
  while :; do
    if grep -q '^PORTS ' "$out" 2>/dev/null; then
      for kv in $(grep '^PORTS ' "$out" | head -1 | cut -d' ' -f2-); do
        [ "${kv%%=*}" = transport ] || PORT[$name:${kv%%=*}]=${kv#*=}
      done
      local printed
      printed="$(awk '/^PID /{print $2; exit}' "$out")"
      [ "$printed" = "${SPID[$name]}" ] || log "$name: printed PID $printed, started as ${SPID[$name]}"
      log "$name: PID ${SPID[$name]}, $(grep '^PORTS ' "$out" | head -1)"
      return 0
    fi
    kill -0 "${SPID[$name]}" 2>/dev/null || { log "$name died before printing its ports:"; break; }
    [ $((SECONDS - start)) -lt "$DEADLINE" ] || { log "$name printed no ports within ${DEADLINE}s:"; break; }
    sleep 0.1
  done
  cat "$out" >&2
  return 1
}

# What one kernel entry costs here, measured on the servers' core before they start: an epoll
# server pays it per read, write and wait, an io_uring server about once per batch.
SYSCALL_NS="$("${SERVER_PIN[@]}" "$TARGET/syscall_cost" 2>/dev/null || echo "?")"
for s in "${SERVER_LIST[@]}"; do start_server "$s"; done
for s in "${SERVER_LIST[@]}"; do wait_ports "$s"; done

# ---------------------------------------------------------------- workloads
# workload -> port key, load client arguments, unit name
port_key() { case "$1" in http16|http1) echo http ;; httpcodec16|httpcodec1) echo httpcodec ;; *) echo "$1" ;; esac; }
client_args() {
  case "$1" in
    http16|httpcodec16) echo "-w http -n $CONNS -p 16" ;;
    http1|httpcodec1)   echo "-w http -n $CONNS -p 1" ;;
    echo)   echo "-w echo -n $CONNS -p 1 -m 64" ;;
    churn)  echo "-w churn -n 32" ;;
    udp)    echo "-w udp -n 16 -p 4 -m 64" ;;
    stream) echo "-w stream -n 4 -p 1 -m 65536" ;;
    *) log "unknown workload $1"; exit 2 ;;
  esac
}
unit_name() {
  case "$1" in
    http*) echo request ;; echo) echo "64-byte message" ;; churn) echo connection ;; udp) echo datagram ;;
    stream) echo MB ;;
  esac
}
units_name() { case "$1" in stream) echo MB ;; *) echo "$(unit_name "$1")s" ;; esac; }
# The load client's snapshot field counted as work, and the divisor that makes it units.
unit_field() { case "$1" in stream) echo "6 1000000" ;; *) echo "5 1" ;; esac; }
describe() {
  case "$1" in
    http16) echo "HTTP/1.1 plaintext, pipelined depth 16, $CONNS connections per server" ;;
    http1)  echo "HTTP/1.1 plaintext, not pipelined, $CONNS connections per server" ;;
    echo)   echo "TCP echo, 64-byte messages, one in flight, $CONNS connections per server" ;;
    churn)  echo "Connection churn (connect, one HTTP request, response, server closes), 32 in flight per server" ;;
    udp)    echo "UDP echo, 64-byte datagrams, 16 sockets x 4 in flight per server" ;;
    httpcodec16) echo "HTTP/1.1 plaintext through Netty's HttpServerCodec, pipelined depth 16, $CONNS connections per server (JVM servers)" ;;
    httpcodec1)  echo "HTTP/1.1 plaintext through Netty's HttpServerCodec, not pipelined, $CONNS connections per server (JVM servers)" ;;
    stream) echo "TCP streaming echo, 64 KiB messages (the client writes each one and reads it back), 4 connections per server; 1 MB = 10^6 bytes echoed back" ;;
  esac
}
# The servers that serve a workload: those that printed a port for it.
participants() {
  local key; key="$(port_key "$1")"
  local s
  for s in "${SERVER_LIST[@]}"; do [ -n "${PORT[$s:$key]:-}" ] && printf '%s ' "$s"; done
  return 0
}
targets_for() {
  local key; key="$(port_key "$1")"; shift
  local s
  for s in "$@"; do printf '%s=%s ' "$s" "${PORT[$s:$key]}"; done
}

# Unknown workloads stop the script; those no selected server serves (httpcodec with only c-ref)
# are left out.
SERVED=()
for w in "${WORKLOAD_LIST[@]}"; do
  client_args "$w" > /dev/null
  if [ -n "$(participants "$w")" ]; then SERVED+=("$w"); else log "$w: no selected server serves it, left out"; fi
done
[ ${#SERVED[@]} -gt 0 ] || { log "no workload to run"; exit 2; }
WORKLOAD_LIST=("${SERVED[@]}")

# ---------------------------------------------------------------- quick mode
# Correctness only, judged on counts of answers, never on what a time window managed: a cold JVM
# on a core shared with four others and other work may take many seconds to answer at all.
# Per workload: (1) wait, at most DEADLINE seconds, until every server has answered one request
# (one connection, one in flight) correctly; (2) load every server as the measuring mode does
# (fewer connections) until each has given QUICK_UNITS correct answers, at most DEADLINE
# seconds; any wrong byte, unexpected close or other error in either step fails.
quick_units() {  # correct answers asked of each server: several per connection and in-flight slot
  case "$1" in
    http16|httpcodec16) echo 8192 ;;    # 8 connections x 16 in flight
    http1|httpcodec1|echo) echo 2048 ;; # 8 connections
    churn) echo 512 ;;                  # 32 connections in flight
    udp) echo 2048 ;;                   # 16 sockets x 4 in flight
    stream) echo 256 ;;                 # 4 connections, 64 KiB messages (16 MiB back)
  esac
}
if [ "$QUICK" = 1 ]; then
  failed=0
  for w in "${WORKLOAD_LIST[@]}"; do
    ready=1
    log "$w: waiting (at most ${DEADLINE}s) until every server answers one request correctly"
    # shellcheck disable=SC2046
    if ! "$TARGET/load_client" $(client_args "$w") -n 1 -p 1 "${CLIENT_CPU[@]}" -N 1 -d "$DEADLINE" -C \
        $(targets_for "$w" $(participants "$w")) > "$WORK/ready-$w.out" 2>&1; then
      failed=1 ready=0
    fi
    grep -E '^(OK|FAIL)|load_client' "$WORK/ready-$w.out" \
      | sed "s/^OK \([^:]*\): .* in \(.*\) s, .*/OK \1: first correct answer after \2 s/; s/^/  $w: /" >&2
    [ "$ready" = 1 ] || { log "$w: not checked further (a server failed its first request, see above)"; continue; }
    units="$(quick_units "$w")"
    log "$w: checking every server gives $units correct answers (at most ${DEADLINE}s)"
    # shellcheck disable=SC2046
    if ! "$TARGET/load_client" $(client_args "$w" | sed "s/-n $CONNS /-n 8 /") "${CLIENT_CPU[@]}" \
        -N "$units" -d "$DEADLINE" -C $(targets_for "$w" $(participants "$w")) > "$WORK/quick-$w.out" 2>&1; then
      failed=1
    fi
    grep -E '^(OK|FAIL)|load_client' "$WORK/quick-$w.out" | sed "s/^/  $w: /" >&2
  done
  for s in "${SERVER_LIST[@]}"; do
    kill -0 "${SPID[$s]}" 2>/dev/null || { log "$s died:"; cat "$WORK/$s.out" >&2; failed=1; }
  done
  if [ "$failed" = 0 ]; then log "quick: all workloads correct on all servers"; else log "quick: FAILED"; fi
  exit "$failed"
fi

# ---------------------------------------------------------------- measuring
CLK_TCK="$(getconf CLK_TCK)"
# One line per server and for the client: "PID CPU_NS", then "stat BUSY_NS" (user+nice+system+irq+softirq
# of the whole machine); read in one pass so that the figures are of the same moment.
sample() {
  local files=() p
  for p in "$@"; do files+=(/proc/"$p"/task/*/schedstat); done
  awk -v hz="$CLK_TCK" '
    FILENAME == "/proc/stat" { if ($1 == "cpu") busy = ($2 + $3 + $4 + $7 + $8) * (1e9 / hz); next }
    { split(FILENAME, a, "/"); cpu[a[3]] += $1 }
    END { for (p in cpu) printf "%s %.0f\n", p, cpu[p]; printf "stat %.0f\n", busy }
  ' /proc/stat "${files[@]}" 2>/dev/null
}

RESULTS="$WORK/results"   # workload run server cpu_ns units
: > "$RESULTS"
DISTURBED=()

measure_run() {  # workload run-number -> appends to RESULTS, returns 1 if discarded
  local w="$1" r="$2" out="$WORK/run-$1-$2.out"
  local active=() s
  read -r -a active <<< "$(participants "$w")"
  # shellcheck disable=SC2046
  "$TARGET/load_client" $(client_args "$w") "${CLIENT_CPU[@]}" $(targets_for "$w" "${active[@]}") \
    > "$out" 2> "$out.err" &
  local cpid=$!
  PIDS+=("$cpid")
  sleep "$RAMP"
  # The loaded servers, the client, then the idle servers (their CPU is ours, not other load).
  local pids=()
  for s in "${active[@]}"; do pids+=("${SPID[$s]}"); done
  pids+=("$cpid")
  for s in "${SERVER_LIST[@]}"; do [[ " ${active[*]} " == *" $s "* ]] || pids+=("${SPID[$s]}"); done
  local t0 t1
  t0=$(date +%s%N); sample "${pids[@]}" > "$out.a"; kill -USR1 "$cpid"
  sleep "$SECONDS_PER_RUN"
  t1=$(date +%s%N); sample "${pids[@]}" > "$out.b"; kill -USR1 "$cpid"
  # Stop the client once it has printed the second snapshot (one line per server), not after a
  # fixed pause that a busy machine may not honour.
  local start=$SECONDS
  while [ "$(grep -c '^snap 2 ' "$out" 2>/dev/null)" -lt "${#active[@]}" ] && kill -0 "$cpid" 2>/dev/null \
      && [ $((SECONDS - start)) -lt "$DEADLINE" ]; do
    sleep 0.05
  done
  kill "$cpid" 2>/dev/null || true
  wait "$cpid" 2>/dev/null || true
  local names="${active[*]}" spids="${pids[*]}" field scale
  read -r field scale <<< "$(unit_field "$w")"
  awk -v w="$w" -v r="$r" -v names="$names" -v pids="$spids" -v wall=$((t1 - t0)) -v maxother="$MAX_OTHER" \
      -v results="$RESULTS" -v field="$field" -v scale="$scale" '
    BEGIN { n = split(names, name, " "); np = split(pids, pid, " ") }
    FILENAME ~ /\.a$/ { a[$1] = $2; next }
    FILENAME ~ /\.b$/ { b[$1] = $2; next }
    $1 == "snap" && $2 == 1 { u1[$4] = $field / scale; e1[$4] = $7 }
    $1 == "snap" && $2 == 2 { u2[$4] = $field / scale; e2[$4] = $7 }
    END {
      ours = 0; bad = ""
      for (i = 1; i <= np; i++) { d[i] = b[pid[i]] - a[pid[i]]; ours += d[i] }
      other = (b["stat"] - a["stat"]) - ours
      for (i = 1; i <= n; i++) {
        units = u2[name[i]] - u1[name[i]]
        if (units <= 0) bad = bad " " name[i] ":no-work"
        if (e2[name[i]] - e1[name[i]] > 0) bad = bad " " name[i] ":errors"
      }
      if (other > maxother * wall) bad = bad sprintf(" other-load:%.1f%%-of-a-core", 100 * other / wall)
      line = sprintf("%s run %d: other load %.1f%% of a core, client %.0f%%", w, r, 100 * other / wall, 100 * d[n + 1] / wall)
      for (i = 1; i <= n; i++) {
        units = u2[name[i]] - u1[name[i]]
        if (units > 0) line = line sprintf(", %s %.0f ns", name[i], d[i] / units)
      }
      if (bad != "") { print line " -> DISCARDED:" bad; exit 1 }
      print line
      for (i = 1; i <= n; i++) printf "%s %d %s %.0f %.3f\n", w, r, name[i], d[i], u2[name[i]] - u1[name[i]] >> results
    }
  ' "$out.a" "$out.b" "$out" >&2
}

warm() {
  local w="$1" s
  for s in $(participants "$w"); do
    # shellcheck disable=SC2046
    "$TARGET/load_client" $(client_args "$w") "${CLIENT_CPU[@]}" -d "$WARMUP" \
      $(targets_for "$w" "$s") > /dev/null 2>&1 || true
  done
}

for w in "${WORKLOAD_LIST[@]}"; do
  log "$w: warming each server alone for ${WARMUP}s"
  warm "$w"
  good=0 attempt=0
  while [ "$good" -lt "$RUNS" ] && [ "$attempt" -lt $((RUNS * 2)) ]; do
    attempt=$((attempt + 1))
    if measure_run "$w" "$attempt"; then good=$((good + 1)); fi
  done
  [ "$good" -ge "$RUNS" ] || DISTURBED+=("$w ($good of $RUNS runs kept)")
done

# ---------------------------------------------------------------- report
report() {
  echo "# Pollen benchmarks"
  echo
  echo "Measured by \`benchmarks/run.sh\` on $(date -u +%Y-%m-%d): $NPROC CPUs ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)),"
  echo "kernel $(uname -r), $(java -version 2>&1 | head -1 | tr -d '"'), Netty 4.2.17.Final;"
  echo "the cheapest system call (getppid, \`syscall_cost\`) takes $SYSCALL_NS ns of CPU on this machine."
  echo "All servers ran at the same time pinned to core 0, one event-loop thread each (JVM:"
  echo "\`${JVM_FLAGS[*]}\`), driven by \`load_client\` pinned to core 1 with the same load on each."
  echo "Figures are server CPU time (all threads, from /proc/PID/task/*/schedstat) per unit of work:"
  echo "median and min-max of $RUNS runs of ${SECONDS_PER_RUN} s each, after ${WARMUP} s of warm-up of each server alone;"
  echo "runs in which other processes used more than $(awk -v m=$MAX_OTHER 'BEGIN{print m*100}')% of a core were discarded."
  echo "Ratios are CPU per unit against Netty epoll and against the C reference server, computed within"
  echo "each run (below 1 = cheaper than the baseline), median and min-max over the runs."
  echo "Microbenchmarks of single hot paths (Pollen against Netty epoll) are \`benchmarks/jmh.sh\`'s, not part of this file."
  local w
  for w in "${WORKLOAD_LIST[@]}"; do
    echo
    echo "## $(describe "$w")"
    echo
    echo "| server | CPU per $(unit_name "$w") (median) | min-max | vs Netty epoll | vs C reference | $(units_name "$w")/s per server (median) |"
    echo "|---|---|---|---|---|---|"
    awk -v w="$w" -v names="$(participants "$w")" -v secs="$SECONDS_PER_RUN" '
      function sort(arr, k,   i, j, t) { for (i = 2; i <= k; i++) for (j = i; j > 1 && arr[j-1] > arr[j]; j--) { t = arr[j]; arr[j] = arr[j-1]; arr[j-1] = t } }
      function med(arr, k) { sort(arr, k); return k % 2 ? arr[(k+1)/2] : (arr[k/2] + arr[k/2+1]) / 2 }
      function ns(x) { return x >= 10000 ? sprintf("%.1f us", x / 1000) : sprintf("%.0f ns", x) }
      function ratio(s, base,   k, r, i, arr, lo, hi, m) {
        k = 0
        for (i = 1; i <= nr; i++) { r = run[i]; if ((r, s) in cpu && (r, base) in cpu) arr[++k] = per[r, s] / per[r, base] }
        if (k == 0) return "-"
        m = med(arr, k); lo = arr[1]; hi = arr[k]
        return sprintf("%.2f (%.2f-%.2f)", m, lo, hi)
      }
      $1 == w { if (!($2 in seen)) { seen[$2] = 1; run[++nr] = $2 }; cpu[$2, $3] = $4; units[$2, $3] = $5; per[$2, $3] = $4 / $5 }
      END {
        n = split(names, name, " ")
        if (nr == 0) { print "| (no valid run) | | | | | |"; exit }
        for (j = 1; j <= n; j++) {
          s = name[j]; k = 0
          for (i = 1; i <= nr; i++) if ((run[i], s) in cpu) { v[++k] = per[run[i], s]; t[k] = units[run[i], s] / secs }
          if (k == 0) continue
          m = med(v, k); lo = v[1]; hi = v[k]; tm = med(t, k)
          printf "| %s | %s | %s-%s | %s | %s | %.0f |\n", s, ns(m), ns(lo), ns(hi), \
            ratio(s, "netty-epoll"), ratio(s, "c-ref"), tm
        }
      }
    ' "$RESULTS"
  done
  if [ ${#DISTURBED[@]} -gt 0 ]; then
    echo
    echo "DISTURBED: too few quiet runs for: ${DISTURBED[*]}. These figures are not to be published."
  fi
}

report > "$TARGET/benchmarks.md"
cat "$TARGET/benchmarks.md"
if [ ${#DISTURBED[@]} -gt 0 ]; then
  log "disturbed (${DISTURBED[*]}): docs/benchmarks.md not written; see $TARGET/benchmarks.md"
  exit 1
fi
if [ "$DOCS" = 1 ]; then
  mkdir -p "$ROOT/docs"
  cp "$TARGET/benchmarks.md" "$ROOT/docs/benchmarks.md"
  log "wrote docs/benchmarks.md"
fi
