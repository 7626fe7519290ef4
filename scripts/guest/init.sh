#!/bin/busybox sh
# PID 1 of the guest initramfs: load the kernel's modules, mount the host root (read-only) and the result share over
# virtio-9p, give the host view the pseudo and scratch file systems a test run needs, run the job in a chroot, power off.
/bin/busybox mkdir -p /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "ebpf4j-guest: booted $(uname -r) ($(nproc) cpus)"

halt_now() {
  echo "ebpf4j-guest: $*"
  sync
  poweroff -f
}

while read -r m; do
  [ -n "$m" ] || continue
  insmod "/modules/$m" || echo "ebpf4j-guest: insmod $m failed"
done < /modules.load

H=/host
# Scratch space and the result share live under the guest's own /run: the host's /tmp stays visible, because the
# checkout under test (and its class path) may be there.
OUT=$H/run/ebpf4j-guest
P9="trans=virtio,version=9p2000.L,msize=512000"
# The host root does not change while the guest runs, so the guest may cache it (much faster under emulation).
mount -t 9p -o "$P9,ro,cache=loose" hostroot $H || halt_now "cannot mount the host root over 9p"
mount -t tmpfs -o mode=755 tmpfs $H/run || halt_now "cannot mount tmpfs on /run"
mkdir -p $OUT $H/run/tmp && chmod 1777 $H/run/tmp
mount -t 9p -o "$P9" results $OUT || halt_now "cannot mount the result share over 9p"

mount -t proc proc $H/proc
mount -t sysfs sysfs $H/sys
mount -t devtmpfs devtmpfs $H/dev
mkdir -p $H/dev/pts $H/dev/shm
mount -t devpts devpts $H/dev/pts
mount -t tmpfs tmpfs $H/dev/shm
mount -t bpf bpf $H/sys/fs/bpf
mount -t tracefs tracefs $H/sys/kernel/tracing
mount -t debugfs debugfs $H/sys/kernel/debug
# Same layout as the host (hybrid, v2 at unified/), so tests see the cgroup v2 path they expect.
mount -t tmpfs -o mode=755 tmpfs $H/sys/fs/cgroup && mkdir -p $H/sys/fs/cgroup/unified &&
  mount -t cgroup2 cgroup2 $H/sys/fs/cgroup/unified
ip link set lo up 2>/dev/null

echo "ebpf4j-guest: running job"
chroot $H /bin/sh /run/ebpf4j-guest/job.sh
echo "$?" > $OUT/job-exit
sync
umount $OUT
halt_now "job done"
