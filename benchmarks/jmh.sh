#!/usr/bin/env bash
# Pollen microbenchmarks (JMH): the hot paths Pollen controls, each against its Netty epoll
# equivalent (the poller API against the JDK's Selector), in one run, printed as one table
# (Pollen, baseline, Pollen / baseline; below 1 = Pollen is faster):
#   - dispatch of a batch of 1, 16, 256 ready events: the Java side alone (each handler dispatching
#     again the events of one first wait: Pollen's from a fake PollerBackend, Netty's from a real
#     epoll_wait), and with a real epoll_wait(0) per batch (both handlers as shipped)
#   - filling the native iovec array of a gathering write from a ChannelOutboundBuffer of 1, 16,
#     256 buffers (Pollen's per-loop IovArray, Netty's io.netty.channel.unix.IovArray)
#   - a send and a recv through JNI on a connected loopback TCP pair, 64 B and 16 KiB
#   - a cross-thread wake-up of a loop blocked in epoll_wait, round trip
#   - waiting on and walking 1, 16, 256 ready pipes: dev.pollen.poller.Poller against
#     java.nio.channels.Selector
# Sources: benchmarks/src/main/java/dev/pollen/benchmarks/micro.
#
#   bash benchmarks/jmh.sh --quick     every benchmark runs once, briefly, and passes its checks;
#                                      non-zero exit on any failure (CI); figures mean nothing
#   bash benchmarks/jmh.sh [options]   measure (1 fork, 3 x 1 s warm-up, 5 x 1 s measured each;
#                                      about 4 minutes); the table also goes to
#                                      benchmarks/target/jmh.md
# Options (passed to dev.pollen.benchmarks.micro.MicroBenchmarks):
#   --forks N  --warmup N  --iterations N  --time MS    JMH forks, iterations, iteration length
#   --include REGEX                                    only the benchmarks matching REGEX
#   --no-build                                         use what benchmarks/target already holds
# Figures from a busy machine are noise: measure on an otherwise idle one.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
TARGET="$HERE/target"
LOCK=/tmp/pollen-build.lock

BUILD=1
ARGS=()
for a in "$@"; do
  case "$a" in
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,/^# Figures from/p' "$0"; exit 0 ;;
    *) ARGS+=("$a") ;;
  esac
done

# The build takes the build lock, unless this script already runs under it (its descriptor is
# inherited), where taking it again would wait forever.
LOCKED=(flock "$LOCK")
for fd in /proc/$$/fd/*; do
  if [ "$(readlink "$fd" 2>/dev/null)" = "$LOCK" ]; then LOCKED=(); break; fi
done
if [ "$BUILD" = 1 ]; then
  if ! (cd "$ROOT" && "${LOCKED[@]}" mvn -o -q -f benchmarks/pom.xml package -DskipTests); then
    echo "jmh.sh: offline build failed; building with downloads and the Pollen modules it needs" >&2
    (cd "$ROOT" && "${LOCKED[@]}" mvn -q -pl benchmarks -am package -DskipTests)
  fi
fi

exec java -cp "$TARGET/pollen-benchmarks-0.1.0-SNAPSHOT.jar:$TARGET/lib/*" \
  dev.pollen.benchmarks.micro.MicroBenchmarks --table "$TARGET/jmh.md" "${ARGS[@]}"
