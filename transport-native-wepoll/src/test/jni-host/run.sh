#!/usr/bin/env bash
# Exercises the JNI layer of the Windows DLL without a Windows JVM: builds
# pollen_transport_native_wepoll_x86_64.dll with native-build/pollen.mk (TOOLCHAIN=windows-mingw),
# builds a small Windows host that loads it through a fake JavaVM/JNIEnv, and runs the host under
# a headless, throw-away Wine prefix, one process per area. Prints "N passed, M failed" over all
# checks; exits non-zero on any failure.
#
#   bash transport-native-wepoll/src/test/jni-host/run.sh              # every area
#   bash transport-native-wepoll/src/test/jni-host/run.sh poller dgram # just these
#
# Areas: registration shading poller data errors dgram.
# Needs: x86_64-w64-mingw32-gcc, wine, make and a JDK (for include/jni.h).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/../../.." && pwd)
root=$(cd "$module/.." && pwd)
out=${POLLEN_JNI_HOST_OUT:-$module/target/jni-host}
timeout_s=${POLLEN_JNI_HOST_TIMEOUT:-180}
all_areas=(registration shading poller data errors dgram)
if (($# > 0)); then areas=("$@"); else areas=("${all_areas[@]}"); fi
for area in "${areas[@]}"; do
    [[ " ${all_areas[*]} " == *" $area "* ]] || { echo "unknown area $area (areas: ${all_areas[*]})" >&2; exit 2; }
done

java_home=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
jni_util=$module/target/jni-util
[[ -f $jni_util/netty_jni_util.c ]] || jni_util=$root/transport-native-kqueue/target/jni-util
[[ -f $jni_util/netty_jni_util.c ]] || { echo "netty-jni-util sources not unpacked (looked in $module/target/jni-util and $jni_util)" >&2; exit 2; }

# The DLL, exactly as the build makes it.
(cd "$root" && make -f native-build/pollen.mk all TOOLCHAIN=windows-mingw LIB_NAME=pollen_transport_native_wepoll \
    ARCH=x86_64 SRC_DIRS="transport-core/src/main/c transport-native-wepoll/src/main/c transport-native-wepoll/src/main/jni" \
    JNI_UTIL_DIR="$jni_util" JAVA_HOME="$java_home" OUT_DIR="$out/dll" WORK_DIR="$out/dll-work") \
    || { echo "FAIL building the DLL (native-build/pollen.mk, TOOLCHAIN=windows-mingw)"; echo "0 passed, 1 failed"; exit 1; }
dll=$out/dll/pollen_transport_native_wepoll_x86_64.dll

# The slot names of the JDK's JNIEnv function table, in order, for the traps' messages.
mkdir -p "$out/gen" "$out/host"
awk '/^struct JNINativeInterface_ \{/,/^\};/' "$java_home/include/jni.h" \
    | grep -oE '\*reserved[0-9]+;|JNICALL \*[A-Za-z0-9_]+\)' \
    | sed -E 's/^\*//; s/;$//; s/^JNICALL \*//; s/\)$//' \
    | awk 'BEGIN { printf "#define JNI_SLOT_NAMES" } { printf " \\\n    \"%s\",", $0 } END { printf "\n" }' \
    > "$out/gen/jni_slot_names.h.tmp"
mv "$out/gen/jni_slot_names.h.tmp" "$out/gen/jni_slot_names.h"

# The host: its own jni_md.h (Windows x64 types) before the JDK's include dir; never include/linux.
CC=${CC:-x86_64-w64-mingw32-gcc}
"$CC" -std=gnu11 -O1 -g -Wall -Wextra -Werror -D__USE_MINGW_ANSI_STDIO=1 \
    -I"$here/include" -I"$java_home/include" -I"$out/gen" -I"$root/transport-core/src/main/c" \
    -o "$out/host/jni_host.exe" "$here"/*.c -static -lws2_32
cp "$dll" "$out/host/"
# Renamed copies from earlier runs would be loaded stale: the host makes them afresh.
rm -f "$out/host/"*_pollen_transport_native_wepoll_x86_64.dll
echo "built $out/host/jni_host.exe and $(basename "$dll")"

export WINEPREFIX; WINEPREFIX=$(mktemp -d /tmp/pollen-wine.XXXXXX)
export WINEDEBUG=-all WINEARCH=win64 WINEDLLOVERRIDES="mscoree,mshtml="
cleanup() { wineserver -k >/dev/null 2>&1 || true; rm -rf "$WINEPREFIX"; }
trap cleanup EXIT
wineboot -i >/dev/null 2>&1
wineserver -w
wineserver -p

passed=0 failed=0 failures=()
for area in "${areas[@]}"; do
    echo "== $area"
    log=$out/$area.log
    rc=0
    timeout "$timeout_s" wine "$out/host/jni_host.exe" "$area" >"$log" 2>&1 || rc=$?
    tr -d '\r' <"$log" | grep -v '^AREA ' || true
    p=$(tr -d '\r' <"$log" | grep -c '^PASS ' || true)
    f=$(tr -d '\r' <"$log" | grep -c '^FAIL ' || true)
    if ! tr -d '\r' <"$log" | grep -q "^AREA $area: "; then
        # Crashed, trapped or timed out before the end: that is a failure of its own.
        if ((rc == 124)); then why="timed out after ${timeout_s}s"; else why="ended early with exit code $rc"; fi
        echo "FAIL $area: $why"
        f=$((f + 1))
    elif ((rc != 0 && f == 0)); then
        echo "FAIL $area: exit code $rc without a failed check"
        f=$((f + 1))
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    ((f == 0)) || failures+=("$area")
    echo "   $area: $p passed, $f failed"
done
((failed == 0)) || echo "failed areas: ${failures[*]}"
echo "$passed passed, $failed failed"
((failed == 0))
