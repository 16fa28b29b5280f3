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
# The memory workload is measured differently (see below): not CPU, so it needs no quiet machine.
# Options:
#   --servers LIST     comma-separated, from: pollen-epoll,pollen-epoll-syscalls,netty-epoll,
#                      netty-io_uring,netty-nio,c-ref (default: all of these) and pollen-epoll-nobatch
#                      (Pollen with WRITE_BATCHING off); pollen-epoll batches a loop's held writes
#                      through io_uring where the kernel allows it, pollen-epoll-syscalls is the same
#                      server with -Dpollen.epoll.ioUring=false (one system call per write)
#   --kernel-entries   also count each server's system calls during every measured run (perf stat,
#                      raw_syscalls:sys_enter) and report kernel entries per unit of work
#   --workloads LIST   comma-separated, from: http16,http1,echo,churn,udp,httpcodec16,httpcodec1,
#                      httpmin16,httpmin1,stream,memory (default: all)
#   --runs N           measured runs per workload (default 6)
#   --seconds S        length of one measured run (default 6)
#   --warmup S         warm-up of each server alone, per workload (default 3)
#   --settle S         then of all of them together, unmeasured, per workload (default 20): the
#                      first runs after warming alone cost every JVM server up to twice as much
#                      CPU per request (the first workload's, with the client then idle half the
#                      time), and only by the fourth run had they settled
#   --conns N          connections per server for http, httpcodec, httpmin and echo (default 64)
#   --mem-conns LIST   memory: the connection counts measured, comma-separated (default 10000,50000)
#   --no-docs          do not write docs/benchmarks.md
#   --no-build         use what benchmarks/target already holds
#   --deadline S       whole seconds a server may take to print its ports and, in --quick
#                      mode, to answer a workload's first request and then its checked number
#                      of requests (default 120: a busy machine needs time, an idle one seconds)
# Workloads: http16/http1 HTTP/1.1 plaintext pipelined 16 deep / not pipelined, through a small
# hand-written handler; httpcodec16/httpcodec1 the same requests and response bytes through Netty's
# HttpServerCodec (JVM servers only: the C server has no such variant); httpmin16/httpmin1 the
# smallest codec server: HttpServerCodec and one handler shared by all connections
# answering every request with a 78-byte response (content-type and content-length only), the
# client writing 16 requests (1) in one write and the next 16 only when all 16 answers are back
# (lockstep, not a sliding window; JVM servers only); echo 64-byte TCP echo; churn
# one request per connection; udp 64-byte UDP echo; stream 64 KiB TCP echo messages on 4
# connections per server, reported as CPU per MB (10^6 bytes echoed back); memory RSS and live
# heap per idle connection (each has had one HTTP request answered) at each --mem-conns count,
# JVM servers only, one server loaded at a time (about 1.5 minutes per count with four servers).
# Microbenchmarks of the hot paths (JMH, Pollen against Netty epoll) are benchmarks/jmh.sh's.
# Traffic goes to 127.0.0.1 only; every process started here is killed on exit.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
TARGET="$HERE/target"
LOCK=/tmp/pollen-build.lock

QUICK=0 RUNS=6 SECONDS_PER_RUN=6 WARMUP=3 SETTLE=20 CONNS=64 DOCS=1 BUILD=1 MEM_CONNS="10000,50000"
SERVERS="pollen-epoll,pollen-epoll-syscalls,netty-epoll,netty-io_uring,netty-nio,c-ref"
KERNEL_ENTRIES=0
WORKLOADS="http16,http1,echo,churn,udp,httpcodec16,httpcodec1,httpmin16,httpmin1,stream,memory"
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
    --settle) SETTLE="$2"; shift ;;
    --conns) CONNS="$2"; shift ;;
    --mem-conns) MEM_CONNS="$2"; shift ;;
    --kernel-entries) KERNEL_ENTRIES=1 ;;
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
IFS=, read -r -a MEM_CONNS_LIST <<< "$MEM_CONNS"

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
if [ "$BUILD" = 1 ]; then
  build
else
  for f in pollen-benchmarks-0.1.0-SNAPSHOT.jar ref_server load_client syscall_cost; do
    [ -e "$TARGET/$f" ] || { log "--no-build: $TARGET/$f is missing; run once without --no-build"; exit 2; }
  done
fi

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
# The CPU workloads (all but memory). Measuring memory alone needs none of these servers: it
# starts its own, with other JVM flags (see "memory" below); --quick checks it on these.
CPU_LIST=()
for w in "${WORKLOAD_LIST[@]}"; do [ "$w" = memory ] || CPU_LIST+=("$w"); done
if [ "$QUICK" = 1 ] || [ ${#CPU_LIST[@]} -gt 0 ]; then
  for s in "${SERVER_LIST[@]}"; do start_server "$s"; done
  for s in "${SERVER_LIST[@]}"; do wait_ports "$s"; done
fi

# ---------------------------------------------------------------- workloads
# workload -> port key, load client arguments, unit name
port_key() {
  case "$1" in
    http16|http1|memory) echo http ;; httpcodec16|httpcodec1) echo httpcodec ;; httpmin16|httpmin1) echo httpmin ;;
    *) echo "$1" ;;
  esac
}
# httpmin: -R min expects HttpMinimalHandler's 78 bytes; -L writes the 16 (1) requests in one
# write and the next ones only when all are answered (a client that waits for a whole batch).
# memory: the --quick check only (the measurement runs its own clients, see "memory"): 200
# connections per server, each answered once and held, bound to 2 source addresses so that the
# binding is checked too; "-n 200" last, out of reach of quick mode's "-n $CONNS " rewrite.
client_args() {
  case "$1" in
    http16|httpcodec16) echo "-w http -n $CONNS -p 16" ;;
    http1|httpcodec1)   echo "-w http -n $CONNS -p 1" ;;
    httpmin16) echo "-w http -R min -L -n $CONNS -p 16" ;;
    httpmin1)  echo "-w http -R min -L -n $CONNS -p 1" ;;
    memory) echo "-w hold -B 2 -n 200" ;;
    echo)   echo "-w echo -n $CONNS -p 1 -m 64" ;;
    churn)  echo "-w churn -n 32" ;;
    udp)    echo "-w udp -n 16 -p 4 -m 64" ;;
    stream) echo "-w stream -n 4 -p 1 -m 65536" ;;
    *) log "unknown workload $1"; exit 2 ;;
  esac
}
unit_name() {
  case "$1" in
    http*) echo request ;; echo) echo "64-byte message" ;; churn|memory) echo connection ;; udp) echo datagram ;;
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
    httpmin16) echo "HTTP/1.1 through Netty's HttpServerCodec and one handler shared by all connections, 78-byte response (content-type and content-length only), 16 requests per connection written at once and the next 16 only when all 16 are answered (lockstep), $CONNS connections per server (JVM servers)" ;;
    httpmin1)  echo "HTTP/1.1 through Netty's HttpServerCodec and one handler shared by all connections, 78-byte response (content-type and content-length only), not pipelined, $CONNS connections per server (JVM servers)" ;;
    memory) echo "Memory per idle connection (each answered one HTTP request, then held open), JVM servers, one loaded at a time" ;;
    stream) echo "TCP streaming echo, 64 KiB messages (the client writes each one and reads it back), 4 connections per server; 1 MB = 10^6 bytes echoed back" ;;
  esac
}
# The servers that serve a workload: those that printed a port for it; for memory, the JVM
# servers (a measuring run has not started the regular servers, and the C server has no heap).
participants() {
  local key; key="$(port_key "$1")"
  local s
  if [ "$1" = memory ]; then
    for s in "${SERVER_LIST[@]}"; do [ "$s" = c-ref ] || printf '%s ' "$s"; done
    return 0
  fi
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
CPU_LIST=()
for w in "${WORKLOAD_LIST[@]}"; do [ "$w" = memory ] || CPU_LIST+=("$w"); done

# ---------------------------------------------------------------- quick mode
# Correctness only, judged on counts of answers, never on what a time window managed: a cold JVM
# on a core shared with four others and other work may take many seconds to answer at all.
# Per workload: (1) wait, at most DEADLINE seconds, until every server has answered one request
# (one connection, one in flight) correctly; (2) load every server as the measuring mode does
# (fewer connections) until each has given QUICK_UNITS correct answers, at most DEADLINE
# seconds; any wrong byte, unexpected close or other error in either step fails.
quick_units() {  # correct answers asked of each server: several per connection and in-flight slot
  case "$1" in
    http16|httpcodec16|httpmin16) echo 8192 ;;  # 8 connections x 16 in flight
    http1|httpcodec1|httpmin1|echo) echo 2048 ;; # 8 connections
    memory) echo 200 ;;                          # 200 connections held, each answered once
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
KRESULTS="$WORK/kernel-entries"   # workload run server entries-per-unit
: > "$KRESULTS"
if [ "$KERNEL_ENTRIES" = 1 ] && ! perf stat -e raw_syscalls:sys_enter -- true > /dev/null 2>&1; then
  log "--kernel-entries needs perf with the raw_syscalls tracepoints (linux-perf, root or perf_event_paranoid -1)"
  exit 2
fi
DISTURBED=()

measure_run() {  # workload run-number place -> appends to RESULTS, returns 1 if discarded
  local w="$1" r="$2" out="$WORK/run-$1-$2.out"
  local active=() s
  read -r -a active <<< "$(participants "$w")"
  # The client's list of servers starts one place further each kept run (a discarded run's place
  # goes to the next): a server's place in it changes its cost (OPTIMISATIONS.md 9), so every
  # server takes every place alike over the runs.
  local k=$(( $3 % ${#active[@]} ))
  active=("${active[@]:k}" "${active[@]:0:k}")
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
  local t0 t1 perfs=()
  t0=$(date +%s%N); sample "${pids[@]}" > "$out.a"; kill -USR1 "$cpid"
  if [ "$KERNEL_ENTRIES" = 1 ]; then
    # One counter per loaded server over the measured interval (all its threads).
    for s in "${active[@]}"; do
      perf stat -x, -e raw_syscalls:sys_enter -p "${SPID[$s]}" -o "$out.perf-$s" -- sleep "$SECONDS_PER_RUN" \
        > /dev/null 2>&1 &
      perfs+=("$!")
    done
  fi
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
  local p
  for p in "${perfs[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ "$KERNEL_ENTRIES" = 1 ]; then
    # Entries over the perf interval (about the measured one) per unit the client counted in it.
    for s in "${active[@]}"; do
      awk -F, -v w="$w" -v r="$r" -v s="$s" -v field="$(unit_field "$w" | cut -d' ' -f1)" \
          -v scale="$(unit_field "$w" | cut -d' ' -f2)" '
        FILENAME ~ /perf/ { if ($3 ~ /sys_enter/) n = $1; next }
        { split($0, f, " ") }
        f[1] == "snap" && f[4] == s && f[2] == 1 { u1 = f[field] / scale }
        f[1] == "snap" && f[4] == s && f[2] == 2 { u2 = f[field] / scale }
        END { if (n != "" && u2 > u1) printf "%s %d %s %.3f\n", w, r, s, n / (u2 - u1) }
      ' "$out.perf-$s" "$out" >> "$KRESULTS"
    done
  fi
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

for w in "${CPU_LIST[@]}"; do
  log "$w: warming each server alone for ${WARMUP}s, then all together for ${SETTLE}s"
  warm "$w"
  # shellcheck disable=SC2046
  "$TARGET/load_client" $(client_args "$w") "${CLIENT_CPU[@]}" -d "$SETTLE" \
    $(targets_for "$w" $(participants "$w")) > /dev/null 2>&1 || true
  good=0 attempt=0
  while [ "$good" -lt "$RUNS" ] && [ "$attempt" -lt $((RUNS * 2)) ]; do
    attempt=$((attempt + 1))
    if measure_run "$w" "$attempt" "$good"; then good=$((good + 1)); fi
  done
  [ "$good" -ge "$RUNS" ] || DISTURBED+=("$w ($good of $RUNS runs kept)")
done

# ---------------------------------------------------------------- memory
# What an idle connection costs each JVM server in resident memory (VmRSS) and in live heap.
# Not CPU: other load does not change it, so no quiet machine is needed. Per count N, every
# participating server is started afresh (all at once, to share their start-up time), then one
# at a time, while the others sit idle (memory is per process, and the client then needs
# descriptors for one server's N only):
#   1. warm-up: 25 rounds of 200 connections, each answered one HTTP request, then reset: class
#      loading, JIT and the allocator's first chunks are what the first connections pay, not every
#      connection; 200 at a time, so that the warm-up leaves no large high-water mark behind;
#   2. "before": a full GC, then live heap, RSS, and the part of RSS in the Java heap;
#   3. N connections to its http port, each answered one request (so that its channel, pipeline
#      and buffers have been used), then held open and idle;
#   4. "with N": the same figures; per connection = (with N - before) / N.
# - JVM flags: the CPU servers' heap is pre-touched (-Xms1g -XX:+AlwaysPreTouch), resident from the
#   start, so RSS would not show heap growth at all. These start small (-Xms64m) and grow as
#   needed, with a small fixed young generation (-Xmn16m) that the warm-up has touched whole, so
#   that RSS grows with what is kept, not with how much garbage was made. -Xmx1g as for the CPU
#   servers keeps Netty's allocator out of its low-memory mode (OPTIMISATIONS.md 4), which would
#   change what a connection's buffers cost. Even so the heap's share of RSS depends on GC history
#   (old-generation pages touched by promoted garbage stay resident after the full GC compacts
#   them, by several MiB from run to run), so RSS is split: the resident pages of the Java heap's
#   mappings (/proc/PID/smaps, within the address range GC.heap_info prints) are left out, and the
#   heap is counted by its live bytes instead. "Per connection" is then live heap + RSS outside
#   the heap; raw RSS is reported too.
# - Heap: jcmd GC.class_histogram forces a full GC; its total is the live heap, and GC.heap_info
#   then gives the heap's address range. Outside the heap, memory malloc has free but keeps (the JIT
#   compilers' arenas after the warm-up, freed buffers) would count as used: the warm-up is followed
#   by a pause (MEM_SETTLE) in which compilations end and HotSpot frees idle arena chunks, and
#   System.trim_native_heap (malloc_trim) returns free malloc memory before every reading. RSS and
#   smaps are read right after, each time in the same order. The histograms are kept in
#   benchmarks/target/memory/ for diffing (which classes differ).
# - 50k connections from 127.0.0.1 to one port would exhaust the ephemeral ports of one (source,
#   destination) pair (net.ipv4.ip_local_port_range, about 28k): the client binds its
#   connections in turn to N/20000+1 source addresses (127.0.0.2, ...). It has at most 256
#   connecting or awaiting their response at once (load_client -b), so the listen backlog (4096)
#   never overflows, and resets them all at the end (no TIME_WAIT kept for the next count).
# - Descriptors: the server's limit is raised with ulimit -n, the client raises its own
#   (setrlimit); above the hard limit only with CAP_SYS_RESOURCE, which root in a container may
#   lack. A count that needs more descriptors than can be had is not measured: a note in the
#   report and the log (an environment limit, not a server failure), e.g. 50000 under a fixed
#   hard limit of 20000; --mem-conns chooses counts that fit.
MEM_JVM_FLAGS=(-XX:+UseParallelGC -Xms64m -Xmx1g -Xmn16m)
MEM_WARM=200 MEM_WARM_ROUNDS=25 MEM_SETTLE=6
MEM_DIR="$TARGET/memory"
MEMRESULTS="$WORK/memory"   # N server rss0 rss1 live0 live1 heaprss0 heaprss1 (bytes)
: > "$MEMRESULTS"
MEM_FAILED=()

# Stops one process started here and forgets it (so that the clean-up kills no reused PID).
stop_pid() {
  local p="$1" keep=() q
  kill "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  for q in "${PIDS[@]}"; do [ "$q" = "$p" ] || keep+=("$q"); done
  PIDS=("${keep[@]}")
}
rss_bytes() { awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$1/status"; }
fd_count() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
# Full GC, then "LIVE RSS HEAP_RSS" in bytes: live heap, VmRSS, and the resident pages of the
# mappings within the heap's address range; the jcmd output (histogram and heap) goes to $2.
# Addresses are compared as 16-digit hex strings (mawk has no hex numbers), "x"-prefixed so
# that awk never compares them as numbers.
heap_state() {
  printf 'GC.class_histogram\nGC.heap_info\nSystem.trim_native_heap\n' > "$WORK/jcmd-commands"
  jcmd "$1" -f "$WORK/jcmd-commands" > "$2" 2>&1 || { log "jcmd $1 failed:"; cat "$2" >&2; return 1; }
  local live range rss heaprss
  live="$(awk '/^Total / { print $3 }' "$2")"
  # The generations' reserved ranges: [start, committed end, reserved end).
  range="$(awk 'function key(a) { sub(/^\[?0x/, "", a); sub(/[,)]+$/, "", a); return "x" a }
    /(PSYoungGen|ParOldGen) +total/ { for (i = 1; i <= NF; i++) if ($i ~ /^\[0x/) { s = key($i); e = key($(i + 2))
        if (lo == "" || s < lo) lo = s; if (hi == "" || e > hi) hi = e } }
    END { if (lo != "") print lo, hi }' "$2")"
  rss="$(rss_bytes "$1")"
  [ -n "$live" ] && [ -n "$range" ] && [ -n "$rss" ] || { log "no heap figures from jcmd $1:"; cat "$2" >&2; return 1; }
  heaprss="$(awk -v lo="${range% *}" -v hi="${range#* }" '
    function key(a) { a = sprintf("%16s", a); gsub(/ /, "0", a); return "x" a }
    /^[0-9a-f]+-[0-9a-f]+ / { split($1, r, "-"); inside = key(r[1]) >= lo && key(r[2]) <= hi; next }
    inside && $1 == "Rss:" { t += $2 }
    END { printf "%.0f\n", t * 1024 }' "/proc/$1/smaps")"
  echo "$live $rss $heaprss"
}

measure_memory_one() {  # N server label -> appends to MEMRESULTS, returns 1 on failure
  local n="$1" s="$2" label="$3" pid="${SPID[$3]}" port="${PORT[$3:http]}"
  local out="$WORK/$label-hold.out" fd0 start hs live0 rss0 hrss0 live1 rss1 hrss1 cpid
  fd0="$(fd_count "$pid")"
  local round
  for round in $(seq "$MEM_WARM_ROUNDS"); do
    "$TARGET/load_client" -w hold -n "$MEM_WARM" -N "$MEM_WARM" -d "$DEADLINE" -C "${CLIENT_CPU[@]}" \
      "$s=$port" > "$WORK/$label-warm.out" 2>&1 || { log "$label: warm-up failed:"; cat "$WORK/$label-warm.out" >&2; return 1; }
  done
  # The warm-up's connections were reset; wait until the server has closed its ends.
  start=$SECONDS
  while [ "$(fd_count "$pid")" -gt "$fd0" ] && [ $((SECONDS - start)) -lt "$DEADLINE" ]; do sleep 0.1; done
  sleep "$MEM_SETTLE"   # HotSpot frees idle arena chunks every 5 s
  hs="$(heap_state "$pid" "$MEM_DIR/$s-$n-before.txt")" || return 1
  read -r live0 rss0 hrss0 <<< "$hs"
  "$TARGET/load_client" -w hold -n "$n" -B $((n / 20000 + 1)) "${CLIENT_CPU[@]}" "$s=$port" > "$out" 2>&1 &
  cpid=$!
  PIDS+=("$cpid")
  start=$SECONDS
  while ! grep -q '^held ' "$out" && kill -0 "$cpid" 2>/dev/null && [ $((SECONDS - start)) -lt "$DEADLINE" ]; do
    sleep 0.2
  done
  if ! grep -q '^held ' "$out" || grep -q '^load_client' "$out"; then
    log "$label: $n connections not all answered within ${DEADLINE}s:"; cat "$out" >&2; stop_pid "$cpid"; return 1
  fi
  sleep "$MEM_SETTLE"   # as before the "before" reading
  log "$label: $n connections held ($(awk '/^held /{printf "%.1f s", $4 / 1e9}' "$out")), server has $(( $(fd_count "$pid") - fd0 )) more descriptors"
  hs="$(heap_state "$pid" "$MEM_DIR/$s-$n-with.txt")" || { stop_pid "$cpid"; return 1; }
  read -r live1 rss1 hrss1 <<< "$hs"
  stop_pid "$cpid"
  echo "$n $s $rss0 $rss1 $live0 $live1 $hrss0 $hrss1" >> "$MEMRESULTS"
}

MEM_SKIPPED=()
measure_memory() {
  local n s label servers=()
  read -r -a servers <<< "$(participants memory)"
  mkdir -p "$MEM_DIR"
  for n in "${MEM_CONNS_LIST[@]}"; do
    if ! (ulimit -n $((n + 1024))) 2>/dev/null; then
      MEM_SKIPPED+=("$n (needs $((n + 1024)) descriptors per process; the hard limit is $(ulimit -Hn) and cannot be raised here)")
      log "memory: $n connections not measured: needs $((n + 1024)) descriptors per process, the hard limit is $(ulimit -Hn) and cannot be raised here"
      continue
    fi
    log "memory: $n connections, servers ${servers[*]} (fresh, \`${MEM_JVM_FLAGS[*]}\`), one at a time"
    for s in "${servers[@]}"; do
      label="mem$n-$s"
      # ulimit in the subshell that becomes the JVM (exec): the server's own limit, nobody else's.
      ( ulimit -n $((n + 1024)) && exec "${SERVER_PIN[@]}" java "${MEM_JVM_FLAGS[@]}" -cp "$CLASSPATH_" \
          dev.pollen.benchmarks.BenchServer "$s" 127.0.0.1 ) > "$WORK/$label.out" 2>&1 &
      PIDS+=("$!")
      SPID[$label]=$!
    done
    for s in "${servers[@]}"; do wait_ports "mem$n-$s" || MEM_FAILED+=("$s at $n (did not start)"); done
    for s in "${servers[@]}"; do
      label="mem$n-$s"
      if [ -n "${PORT[$label:http]:-}" ] && ! measure_memory_one "$n" "$s" "$label"; then
        MEM_FAILED+=("$s at $n")
      fi
      stop_pid "${SPID[$label]}"
    done
  done
}

MEMORY=0
for w in "${WORKLOAD_LIST[@]}"; do [ "$w" = memory ] && MEMORY=1; done
[ "$MEMORY" = 0 ] || measure_memory

# ---------------------------------------------------------------- report
report() {
  echo "# Pollen benchmarks"
  echo
  echo "Measured by \`benchmarks/run.sh\` on $(date -u +%Y-%m-%d): $NPROC CPUs ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)),"
  echo "kernel $(uname -r), $(java -version 2>&1 | head -1 | tr -d '"'), Netty 4.2.17.Final;"
  echo "the cheapest system call (getppid, \`syscall_cost\`) takes $SYSCALL_NS ns of CPU on this machine."
  [ ${#CPU_LIST[@]} -gt 0 ] || { report_memory; return 0; }
  echo "All servers ran at the same time pinned to core 0, one event-loop thread each (JVM:"
  echo "\`${JVM_FLAGS[*]}\`), driven by \`load_client\` pinned to core 1 with the same load on each."
  echo "Figures are server CPU time (all threads, from /proc/PID/task/*/schedstat) per unit of work:"
  echo "median and min-max of $RUNS runs of ${SECONDS_PER_RUN} s each, after ${WARMUP} s of warm-up of each server alone"
  echo "and ${SETTLE} s of all of them loaded together; the client's list of servers starts one place"
  echo "further each run, so that every server takes every place alike;"
  echo "runs in which other processes used more than $(awk -v m=$MAX_OTHER 'BEGIN{print m*100}')% of a core were discarded."
  echo "Ratios are CPU per unit against Netty epoll and against the C reference server, computed within"
  echo "each run (below 1 = cheaper than the baseline), median and min-max over the runs."
  echo "Microbenchmarks of single hot paths (Pollen against Netty epoll) are \`benchmarks/jmh.sh\`'s, not part of this file."
  local w
  for w in "${CPU_LIST[@]}"; do
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
    if [ "$KERNEL_ENTRIES" = 1 ]; then
      echo
      awk -v w="$w" -v names="$(participants "$w")" -v unit="$(unit_name "$w")" '
        $1 == w { k = ++cnt[$3]; v[$3, k] = $4 }
        END {
          n = split(names, name, " "); line = ""
          for (j = 1; j <= n; j++) {
            s = name[j]; k = cnt[s]; if (k == 0) continue
            for (i = 2; i <= k; i++) for (m = i; m > 1 && v[s, m-1] > v[s, m]; m--) { t = v[s, m]; v[s, m] = v[s, m-1]; v[s, m-1] = t }
            med = k % 2 ? v[s, (k+1)/2] : (v[s, k/2] + v[s, k/2+1]) / 2
            line = line (line == "" ? "" : ", ") sprintf("%s %.2f", s, med)
          }
          if (line != "") print "Kernel entries (system calls, perf `raw_syscalls:sys_enter`, all threads) per " unit ", median: " line "."
        }
      ' "$KRESULTS"
    fi
  done
  [ "$MEMORY" = 0 ] || report_memory
  if [ ${#DISTURBED[@]} -gt 0 ]; then
    echo
    echo "DISTURBED: too few quiet runs for: ${DISTURBED[*]}. These figures are not to be published."
  fi
}

report_memory() {
  echo
  echo "## $(describe memory)"
  echo
  echo "Each server started afresh per count (JVM: \`${MEM_JVM_FLAGS[*]}\`: no pre-touched heap), warmed by"
  echo "$MEM_WARM_ROUNDS rounds of $MEM_WARM connections answered once and reset, then measured before and with N"
  echo "connections that each answered one HTTP request (http port) and stay open and idle; connections go"
  echo "to one server at a time. Each figure is taken right after a full GC: live heap is the total of"
  echo "\`jcmd GC.class_histogram\`, RSS is VmRSS, \"outside the heap\" is RSS minus the resident pages of the"
  echo "Java heap's mappings (/proc/PID/smaps), since which heap pages stay resident depends on GC history"
  echo "(live heap per connection repeats to a few bytes, RSS figures vary by a few hundred bytes from run to run)."
  echo "Per connection = (with N - before) / N;"
  echo "kernel socket memory is in none of these. Ratios against Netty epoll at the same N (below 1 = lighter)."
  echo
  echo "| server | connections | RSS before | RSS with N | RSS per connection (raw) | live heap per connection | vs Netty epoll | RSS outside the heap per connection | heap + outside, per connection | vs Netty epoll |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  awk -v names="$(participants memory)" '
    function mib(x) { return sprintf("%.1f MiB", x / 1048576) }
    function b(x) { return sprintf("%.0f B", x) }
    function vs(x, base) { return base > 0 ? sprintf("%.2f", x / base) : "-" }
    { k = $1 SUBSEP $2; seen[k] = 1; if (!($1 in nseen)) { nseen[$1] = 1; ns[++nn] = $1 }
      rss0[k] = $3; rss1[k] = $4; rss[k] = ($4 - $3) / $1; heap[k] = ($6 - $5) / $1
      out[k] = (($4 - $8) - ($3 - $7)) / $1; sum[k] = heap[k] + out[k] }
    END {
      if (nn == 0) { print "| (no valid measurement) | | | | | | | | | |"; exit }
      m = split(names, name, " ")
      for (i = 1; i <= nn; i++) {
        n = ns[i]; base = n SUBSEP "netty-epoll"; hasbase = base in seen
        for (j = 1; j <= m; j++) {
          k = n SUBSEP name[j]
          if (!(k in seen)) continue
          printf "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", name[j], n, mib(rss0[k]), mib(rss1[k]), b(rss[k]), \
            b(heap[k]), hasbase ? vs(heap[k], heap[base]) : "-", b(out[k]), b(sum[k]), hasbase ? vs(sum[k], sum[base]) : "-"
        }
      }
    }
  ' "$MEMRESULTS"
  if [ ${#MEM_SKIPPED[@]} -gt 0 ]; then
    echo
    echo "Not measured: ${MEM_SKIPPED[*]}."
  fi
  if [ ${#MEM_FAILED[@]} -gt 0 ]; then
    echo
    echo "FAILED (no figures): ${MEM_FAILED[*]}."
  fi
}

report > "$TARGET/benchmarks.md"
cat "$TARGET/benchmarks.md"
if [ ${#MEM_FAILED[@]} -gt 0 ]; then
  log "memory failed (${MEM_FAILED[*]}): docs/benchmarks.md not written; see $TARGET/benchmarks.md"
  exit 1
fi
if [ ${#DISTURBED[@]} -gt 0 ]; then
  log "disturbed (${DISTURBED[*]}): docs/benchmarks.md not written; see $TARGET/benchmarks.md"
  exit 1
fi
if [ "$DOCS" = 1 ]; then
  mkdir -p "$ROOT/docs"
  cp "$TARGET/benchmarks.md" "$ROOT/docs/benchmarks.md"
  log "wrote docs/benchmarks.md"
fi
