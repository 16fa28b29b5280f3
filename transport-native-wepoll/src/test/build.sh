#!/usr/bin/env bash
# Cross-compiles the wepoll backend, the Winsock socket layer and their C tests with mingw-w64
# and runs every test under a headless, throw-away Wine prefix. Without arguments it first
# checks the JNI DLL (check-dll.sh: it builds with warnings as errors, imports only KERNEL32,
# msvcrt, ws2_32 and ntdll, exports only JNI_OnLoad/JNI_OnUnload), counted as the check "dll".
# Prints "N passed, M failed"; exits non-zero on any failure.
#
#   bash transport-native-wepoll/src/test/build.sh            # the DLL check and all tests
#   bash transport-native-wepoll/src/test/build.sh test_oneshot test_reset   # just these
#   bash transport-native-wepoll/src/test/build.sh dll        # just the DLL check
#   bash transport-native-wepoll/src/test/build.sh bench_afd_scaling   # a measurement (src/test/bench)
#
# Needs: x86_64-w64-mingw32-gcc and wine (see transport-native-wepoll/README.md).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/../.." && pwd)
core=$(cd "$module/../transport-core/src" && pwd)
out=${POLLEN_WEPOLL_OUT:-$module/target/wine-tests}
timeout_s=${POLLEN_WEPOLL_TEST_TIMEOUT:-60}

CC=${CC:-x86_64-w64-mingw32-gcc}
CFLAGS=(-std=gnu11 -O2 -Wall -Wextra -Werror -I"$module/src/main/c" -I"$core/main/c" -I"$core/test/c" -I"$here/c")
LDLIBS=(-static-libgcc -lws2_32 -lntdll)

mkdir -p "$out"
backend=("$module"/src/main/c/*.c)
# The shared layer: its Windows variants (errno table, Winsock socket and datagram layer), the
# address codec and the option table.
support=("$core"/main/c/*_win.c "$core/main/c/pollen_addr.c" "$core/main/c/pollen_sockopt.c")

# The core contract test, unchanged, plus one program per behaviour.
declare -A sources=([test_poller]="$core/test/c/test_poller.c")
for f in "$here"/c/test_*.c; do
    name=$(basename "$f" .c)
    sources[$name]=$f
done
# Measurements, run only when named (bench/*.c).
declare -A benches=()
for f in "$here"/bench/*.c; do
    name=$(basename "$f" .c)
    benches[$name]=$f
done

if (($# > 0)); then selected=("$@"); else mapfile -t selected < <(printf '%s\n' dll "${!sources[@]}" | sort); fi

passed=0 failed=0 failures=()
tests=()
for name in "${selected[@]}"; do
    if [[ $name == dll ]]; then
        if bash "$here/check-dll.sh"; then
            passed=$((passed + 1)); echo "PASS dll"
        else
            failed=$((failed + 1)); failures+=(dll); echo "FAIL dll"
        fi
    else
        tests+=("$name")
    fi
done
selected=("${tests[@]}")
if ((${#selected[@]} == 0)); then
    echo "$passed passed, $failed failed"
    ((failed == 0)); exit
fi

# The backend and the Winsock layer are compiled once; each test links against them.
objects=()
for src in "${backend[@]}" "${support[@]}"; do
    obj="$out/$(basename "$src" .c).o"
    "$CC" "${CFLAGS[@]}" -c -o "$obj" "$src"
    objects+=("$obj")
done
for name in "${selected[@]}"; do
    src=${sources[$name]:-${benches[$name]:-}}
    [[ -n $src ]] || { echo "unknown test $name" >&2; exit 2; }
    # test_poller.c uses pthreads: winpthreads is linked statically (-static), so every test
    # imports only KERNEL32, msvcrt, ws2_32 and ntdll.
    "$CC" "${CFLAGS[@]}" -o "$out/$name.exe" "$src" "${objects[@]}" -static "${LDLIBS[@]}" -lpthread
done
echo "built ${#selected[@]} test programs in $out"

export WINEPREFIX; WINEPREFIX=$(mktemp -d /tmp/pollen-wine.XXXXXX)
export WINEDEBUG=-all WINEARCH=win64 WINEDLLOVERRIDES="mscoree,mshtml="
cleanup() { wineserver -k >/dev/null 2>&1 || true; rm -rf "$WINEPREFIX"; }
trap cleanup EXIT
wineboot -i >/dev/null 2>&1
wineserver -w
wineserver -p

for name in "${selected[@]}"; do
    if timeout "$timeout_s" wine "$out/$name.exe"; then
        passed=$((passed + 1)); echo "PASS $name"
    else
        rc=$?; failed=$((failed + 1)); failures+=("$name"); echo "FAIL $name (exit $rc)"
    fi
done
((failed == 0)) || echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed"
((failed == 0))
