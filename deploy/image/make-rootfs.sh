#!/usr/bin/env bash
# Lays out the node agent image's root file system for jib (which builds FROM scratch: no registry with a JRE base
# image is reachable from the build machines):
#   OUT/opt/java/                 a jlink'ed runtime of the JDK that ./dev selects
#   OUT/lib/x86_64-linux-gnu/     the shared libraries that runtime and any EXTRA .so files need (ldd closure)
#   OUT/lib64/ld-linux-x86-64.so.2
#   OUT/tmp/                      (an emptyDir is mounted over it in the DaemonSet)
# Usage: make-rootfs.sh OUT [EXTRA.so ...]   e.g. the bundled libbpf.so.1 and libelf.so.1 from core/target/libbpf
# Modules: $AGENT_JLINK_MODULES (comma separated), default: what an FFM + fabric8 client + JDK HTTP server agent uses.
set -euo pipefail
OUT=${1:?usage: make-rootfs.sh OUT [EXTRA.so ...]}; shift
JAVA_HOME=${JAVA_HOME:?set JAVA_HOME to a JDK 22+ (./dev selects one)}
MODULES=${AGENT_JLINK_MODULES:-java.base,java.logging,java.naming,java.net.http,java.management,java.xml,jdk.httpserver,jdk.crypto.ec,jdk.unsupported,jdk.zipfs}

rm -rf "$OUT"
mkdir -p "$OUT/opt" "$OUT/lib/x86_64-linux-gnu" "$OUT/lib64" "$OUT/tmp"
OUT=$(cd "$OUT" && pwd)
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
  --output "$OUT/opt/java"

# Every ELF file of the runtime plus the extras, then the libraries they load (resolved on this build machine).
mapfile -t elves < <(find "$OUT/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \); printf '%s\n' "$@")
libs=$(for f in "${elves[@]}"; do [ -f "$f" ] && ldd "$f" 2>/dev/null || true; done \
  | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u)
for lib in $libs; do
  case "$lib" in "$OUT"/*) continue ;; esac           # the runtime's own libraries are already there
  cp -L "$lib" "$OUT/lib/x86_64-linux-gnu/"
done
for extra in "$@"; do cp -L "$extra" "$OUT/lib/x86_64-linux-gnu/"; done
cp -L /lib64/ld-linux-x86-64.so.2 "$OUT/lib64/"
echo "make-rootfs: $(du -sh "$OUT" | cut -f1) in $OUT ($(ls "$OUT/lib/x86_64-linux-gnu" | wc -l) shared libraries)" >&2
