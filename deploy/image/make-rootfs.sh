#!/usr/bin/env bash
# Lays out the node agent image's root file system for jib (which builds FROM scratch: no registry with a JRE base
# image is reachable from the build machines):
#   OUT/opt/java/                 a jlink'ed runtime of the JDK that ./dev selects
#   OUT/lib/x86_64-linux-gnu/     the shared libraries that runtime and any EXTRA .so files need (ldd closure)
#   OUT/lib64/ld-linux-x86-64.so.2
#   OUT/tmp/                      (an emptyDir is mounted over it in the DaemonSet)
#   OUT/bin/sh                    a static busybox: the shell the ebpf4j launcher (and kubectl exec) needs
#   OUT/opt/ebpf4j/bin/ebpf4j     the CLI launcher (k8s-extension/src/main/dist/bin/ebpf4j, or $EBPF4J_CLI_LAUNCHER);
#                                 left out when there is none (the image's jars are jib's /app, see the root POM)
# Usage: make-rootfs.sh OUT [EXTRA.so ...]   e.g. the bundled libbpf.so.1 and libelf.so.1 from core/target/libbpf
# Modules: $AGENT_JLINK_MODULES (comma separated), default: what an FFM + fabric8 client + JDK HTTP server agent uses.
# Shell: $BUSYBOX, default /bin/busybox (Debian's busybox-static, which ./dev setup installs); it must be static.
set -euo pipefail
OUT=${1:?usage: make-rootfs.sh OUT [EXTRA.so ...]}; shift
JAVA_HOME=${JAVA_HOME:?set JAVA_HOME to a JDK 22+ (./dev selects one)}
MODULES=${AGENT_JLINK_MODULES:-java.base,java.logging,java.naming,java.net.http,java.management,java.xml,jdk.httpserver,jdk.crypto.ec,jdk.unsupported,jdk.zipfs}

BUSYBOX=${BUSYBOX:-/bin/busybox}
LAUNCHER=${EBPF4J_CLI_LAUNCHER:-$(dirname "$0")/../../k8s-extension/src/main/dist/bin/ebpf4j}
# A dynamically linked busybox would need its own libraries in the image; the static one needs none.
if ! [ -x "$BUSYBOX" ] || ldd "$BUSYBOX" >/dev/null 2>&1; then
  echo "make-rootfs: $BUSYBOX is not a static busybox: install busybox-static (./dev setup does) or set BUSYBOX" >&2
  exit 1
fi

rm -rf "$OUT"
mkdir -p "$OUT/opt" "$OUT/lib/x86_64-linux-gnu" "$OUT/lib64" "$OUT/tmp" "$OUT/bin"
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
# busybox runs the applet its argv[0] names, so a copy called sh is a POSIX shell (a copy, not a link: jib copies
# files and the image needs no other applet).
cp "$BUSYBOX" "$OUT/bin/sh"
if [ -f "$LAUNCHER" ]; then
  mkdir -p "$OUT/opt/ebpf4j/bin"
  cp "$LAUNCHER" "$OUT/opt/ebpf4j/bin/ebpf4j"
else
  echo "make-rootfs: no CLI launcher at $LAUNCHER: the image will have no ebpf4j command" >&2
fi
echo "make-rootfs: $(du -sh "$OUT" | cut -f1) in $OUT ($(ls "$OUT/lib/x86_64-linux-gnu" | wc -l) shared libraries)" >&2
