#!/usr/bin/env bash
# Runs JUnit tests (or a shell command) inside a Debian kernel under qemu software emulation, over a read-only 9p view
# of this machine's root file system. See scripts/guest/README.md.
#
#   run.sh --kernel 5.10|6.1|6.12 --classpath CP [--scan ROOTS] [--tags guest,guest-smoke] [--out DIR] [--timeout SECS]
#          [--workdir DIR] [--launcher JAR] [--java JAVA_HOME] [--jvm-arg ARG]... [--cmd 'shell command']
#          [--prepare-only]
#
# Exit status: the JUnit console launcher's (0 all passed, 1 failures), 124 on timeout, 3 if the guest did not boot
# or did not finish the job, 2 on usage or setup errors. Results: OUT/reports/*.xml, OUT/console.log, OUT/uname.txt.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/kernel.sh"

KERNEL="" CLASSPATH_ARG="" SCAN="" TAGS="guest,guest-smoke" OUT="" TIMEOUT=900 WORKDIR=$PWD LAUNCHER="" CMD=""
JAVA_HOME_GUEST=${GUEST_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64} PREPARE_ONLY=0 MEMORY=3072 SMP=2
JVM_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --kernel) KERNEL=$2; shift 2 ;;
    --classpath|-cp) CLASSPATH_ARG=$2; shift 2 ;;
    --scan) SCAN=$2; shift 2 ;;
    --tags) TAGS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    --workdir) WORKDIR=$2; shift 2 ;;
    --launcher) LAUNCHER=$2; shift 2 ;;
    --java) JAVA_HOME_GUEST=$2; shift 2 ;;
    --jvm-arg) JVM_ARGS+=("$2"); shift 2 ;;
    --cmd) CMD=$2; shift 2 ;;
    --memory) MEMORY=$2; shift 2 ;;
    --smp) SMP=$2; shift 2 ;;
    --prepare-only) PREPARE_ONLY=1; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) gdie "unknown option $1 (see --help)" ;;
  esac
done
[ -n "$KERNEL" ] || gdie "--kernel 5.10, 6.1 or 6.12 is required"
command -v qemu-system-x86_64 >/dev/null || gdie "qemu-system-x86_64 missing (apt-get install qemu-system-x86)"
command -v cpio >/dev/null || gdie "cpio missing (apt-get install cpio)"

KDIR=$(guest_prepare_kernel "$KERNEL")
glog "kernel $(basename "$KDIR") ready in $KDIR"
[ "$PREPARE_ONLY" = 1 ] && exit 0

if [ -z "$CMD" ]; then
  [ -n "$CLASSPATH_ARG" ] || gdie "--classpath is required (or --cmd)"
  if [ -z "$LAUNCHER" ]; then
    LAUNCHER=$(ls "$HERE"/../../kernel-matrix/target/guest/junit-platform-console-standalone-*.jar \
      ~/.m2/repository/org/junit/platform/junit-platform-console-standalone/*/junit-platform-console-standalone-*.jar \
      2>/dev/null | sort -V | tail -1 || true)
    [ -n "$LAUNCHER" ] || gdie "no junit-platform-console-standalone jar: build kernel-matrix once or pass --launcher"
  fi
  [ -x "$JAVA_HOME_GUEST/bin/java" ] || gdie "no java at $JAVA_HOME_GUEST (pass --java)"
fi

WORK=$(mktemp -d /tmp/ebpf4j-guest-run.XXXXXX)
QEMU_PID=""
cleanup() {
  [ -n "$QEMU_PID" ] && kill -9 "$QEMU_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ -z "$OUT" ]; then OUT=$PWD/target/guest-$KERNEL; fi
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd)
rm -rf "$OUT/reports" "$OUT/job-exit" "$OUT/uname.txt" "$OUT/console.log"
mkdir -p "$OUT/reports"

# The host's BTF: with it the guest's BpfBuilder computes the same vmlinux.h directory, hence the same command line
# and cache key as the host, and reuses the objects the host compiled instead of running clang under emulation.
cp /sys/kernel/btf/vmlinux "$OUT/host-vmlinux.btf"

q() { printf '"%s"\n' "${1//\\/\\\\}"; }
if [ -z "$CMD" ]; then
  {
    q "--enable-native-access=ALL-UNNAMED"; q "-Xss2m"; q "-XX:TieredStopAtLevel=1"; q "-XX:+UseSerialGC"
    q "-Djava.io.tmpdir=/run/tmp"; q "-Debpf4j.build.btf=/run/ebpf4j-guest/host-vmlinux.btf"; q "-Debpf4j.guest=$KERNEL"
    for a in "${JVM_ARGS[@]}"; do q "$a"; done
    q "-cp"; q "$LAUNCHER:$CLASSPATH_ARG"
    q "org.junit.platform.console.ConsoleLauncher"; q "execute"; q "--disable-banner"; q "--details=tree"
    q "--disable-ansi-colors"; q "--reports-dir=/run/ebpf4j-guest/reports"
    # Every class name (the default pattern would drop *IT classes); tags do the selecting.
    q "--include-classname=.*"; q "--exclude-engine=junit-vintage"; q "--exclude-engine=junit-platform-suite"
    if [ -n "$SCAN" ]; then q "--scan-classpath=$SCAN"; else q "--scan-classpath"; fi
    IFS=, read -ra tags <<< "$TAGS"
    for t in "${tags[@]}"; do q "--include-tag=$t"; done
  } > "$OUT/java.args"
  CMD="exec '$JAVA_HOME_GUEST/bin/java' @/run/ebpf4j-guest/java.args"
fi
cat > "$OUT/job.sh" <<EOF
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TMPDIR=/run/tmp
uname -r > /run/ebpf4j-guest/uname.txt
cd '$WORKDIR' || exit 3
$CMD
EOF

guest_build_initramfs "$KDIR" "$WORK/initrd.gz"
glog "booting $(basename "$KDIR") under qemu (software emulation, timeout ${TIMEOUT}s); console: $OUT/console.log"
START=$(date +%s)
qemu-system-x86_64 -accel tcg,thread=multi -cpu max -m "$MEMORY" -smp "$SMP" -nographic -no-reboot -nic none \
  -kernel "$KDIR/vmlinuz" -initrd "$WORK/initrd.gz" \
  -append "console=ttyS0 panic=-1 loglevel=4 rdinit=/init" \
  -fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
  -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
  -fsdev local,id=results,path="$OUT",security_model=none,multidevs=remap \
  -device virtio-9p-pci,fsdev=results,mount_tag=results \
  < /dev/null > "$OUT/console.log" 2>&1 &
QEMU_PID=$!
STATUS=""
while kill -0 "$QEMU_PID" 2>/dev/null; do
  if [ $(( $(date +%s) - START )) -ge "$TIMEOUT" ]; then
    kill -9 "$QEMU_PID" 2>/dev/null || true; STATUS=124
    glog "timeout after ${TIMEOUT}s: qemu killed"
    break
  fi
  sleep 1
done
wait "$QEMU_PID" 2>/dev/null || true
QEMU_PID=""
ELAPSED=$(( $(date +%s) - START ))
echo "$ELAPSED" > "$OUT/elapsed-seconds"
if [ -z "$STATUS" ]; then
  if [ -f "$OUT/job-exit" ]; then STATUS=$(cat "$OUT/job-exit"); else STATUS=3; glog "the guest did not finish the job"; fi
fi
glog "guest $(cat "$OUT/uname.txt" 2>/dev/null || echo '?') finished in ${ELAPSED}s with status $STATUS"
[ "$STATUS" = 3 ] && tail -n 30 "$OUT/console.log" >&2
exit "$STATUS"
