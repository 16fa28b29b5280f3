#!/usr/bin/env bash
# Builds the transport's JNI DLL with native-build/pollen.mk (toolchain windows-mingw, warnings
# are errors) and checks what it links against and exports: it may import only KERNEL32,
# msvcrt, ws2_32 and ntdll, and must export exactly JNI_OnLoad and JNI_OnUnload.
#
#   bash transport-native-wepoll/src/test/check-dll.sh
#
# Environment: JAVA_HOME (default: the JDK of `javac` on the PATH), POLLEN_JNI_UTIL_DIR (default:
# the netty-jni-util sources Maven unpacked into transport-native-wepoll/target/jni-util or
# transport-native-kqueue/target/jni-util, else unpacked here from the local Maven repository).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/../.." && pwd)
root=$(cd "$module/.." && pwd)
lib=pollen_transport_native_wepoll
out_dir=$module/target/classes/META-INF/native
work_dir=$module/target/native-windows
dll=$out_dir/${lib}_x86_64.dll
OBJDUMP=${OBJDUMP:-x86_64-w64-mingw32-objdump}

java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
[[ -f $java_home/include/jni.h ]] || { echo "no jni.h under $java_home/include (set JAVA_HOME)" >&2; exit 1; }

jni_util=${POLLEN_JNI_UTIL_DIR:-}
if [[ -z $jni_util ]]; then
    for d in "$module/target/jni-util" "$root/transport-native-kqueue/target/jni-util"; do
        if [[ -f $d/netty_jni_util.c ]]; then jni_util=$d; break; fi
    done
fi
if [[ -z $jni_util ]]; then
    jar=$(ls "$HOME"/.m2/repository/io/netty/netty-jni-util/*/netty-jni-util-*-sources.jar 2>/dev/null | sort | tail -n 1)
    [[ -n $jar ]] || { echo "no netty-jni-util sources (run Maven once, or set POLLEN_JNI_UTIL_DIR)" >&2; exit 1; }
    jni_util=$work_dir/jni-util
    mkdir -p "$jni_util"
    (cd "$jni_util" && "$java_home/bin/jar" xf "$jar")
fi

rm -f "$dll"
(cd "$root" && make -s -f native-build/pollen.mk all TOOLCHAIN=windows-mingw LIB_NAME=$lib ARCH=x86_64 \
    SRC_DIRS="transport-core/src/main/c transport-native-wepoll/src/main/c transport-native-wepoll/src/main/jni" \
    JNI_UTIL_DIR="$jni_util" JAVA_HOME="$java_home" OUT_DIR="$out_dir" WORK_DIR="$work_dir")
[[ -f $dll ]] || { echo "FAIL: $dll was not built" >&2; exit 1; }

dump=$("$OBJDUMP" -p "$dll")
imports=$(sed -n 's/^[[:space:]]*DLL Name: //p' <<<"$dump" | tr '[:upper:]' '[:lower:]' | sort | tr '\n' ' ')
exports=$(sed -n '/^\[Ordinal\/Name Pointer\] Table/,/^$/p' <<<"$dump" | sed -n 's/^[[:space:]]*\[ *[0-9]*\] //p' | sort | tr '\n' ' ')
echo "DLL $dll"
echo "  imports: $imports"
echo "  exports: $exports"
status=0
[[ $imports == "kernel32.dll msvcrt.dll ntdll.dll ws2_32.dll " ]] || { echo "FAIL: unexpected imports" >&2; status=1; }
[[ $exports == "JNI_OnLoad JNI_OnUnload " ]] || { echo "FAIL: unexpected exports" >&2; status=1; }
((status == 0)) && echo "DLL check passed"
exit $status
