# Guest kernels for the qemu runner: fetches a Debian linux-image package with apt, keeps vmlinuz and the modules
# the guest needs (plus their modules.dep closure) in a cache, and builds the busybox initramfs. Source it.
#
#   GUEST_CACHE   where packages and extracted kernels live (default ~/.cache/ebpf4j/guest)
#   GUEST_MODULES modules to load in the guest, in order; dependencies are added by modprobe --show-depends

GUEST_CACHE=${GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ebpf4j/guest}
GUEST_MODULES=${GUEST_MODULES:-"virtio_pci 9pnet_virtio 9p veth sch_ingress cls_bpf sctp"}

glog() { printf '[guest] %s\n' "$*" >&2; }
gdie() { glog "error: $*"; exit 2; }

# Debian 11 (bullseye, 5.10) is not in this machine's apt sources: its kernels come through a private apt state in
# the cache (sources, lists and archives under $GUEST_CACHE/apt-bullseye), leaving the system's apt untouched.
guest_bullseye_apt() {
  local d=$GUEST_CACHE/apt-bullseye
  mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
  printf '%s\n' "deb http://deb.debian.org/debian bullseye main" \
    "deb http://deb.debian.org/debian-security bullseye-security main" > "$d/sources.list"
  echo -o "Dir::Etc::SourceList=$d/sources.list" -o Dir::Etc::SourceParts=/dev/null \
    -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache"
}

# apt options for a series: the system's sources, or the private bullseye state for 5.10 (updated once).
guest_apt_options() {
  [ "$1" = 5.10 ] || return 0
  local opts; opts=$(guest_bullseye_apt)
  # shellcheck disable=SC2086
  [ -n "$(ls "$GUEST_CACHE"/apt-bullseye/lists/*Packages 2>/dev/null)" ] || apt-get $opts update -q >&2 || true
  echo "$opts"
}

# The linux-image package for a series (5.10, 6.1 or 6.12), read from the versions of the linux-image-amd64
# metapackage apt knows (bullseye has 5.10, bookworm 6.1, bookworm-backports 6.12). Falls back to a package already
# in the cache.
guest_package_name() {
  local series=$1 name opts
  opts=$(guest_apt_options "$series")
  # shellcheck disable=SC2086
  name=$(apt-cache $opts show linux-image-amd64 2>/dev/null | awk -v s="$series" '
      /^Version: / { v = $2 }
      /^Depends: / && index(v, s ".") == 1 { split($2, d, " "); print v " " d[1] }' |
    sort -V | tail -1 | cut -d' ' -f2)
  if [ -z "$name" ]; then
    name=$(ls "$GUEST_CACHE"/debs/linux-image-"$series"[.-]*-amd64_*.deb 2>/dev/null | sort -V | tail -1 |
      xargs -r basename | cut -d_ -f1)
  fi
  [ -n "$name" ] || gdie "apt knows no linux-image-amd64 for $series (6.12 comes from bookworm-backports: run './dev setup' as root, which adds it, then retry)"
  case "$name" in *-cloud-*) gdie "$name is the cloud flavour, which lacks 9p" ;; esac
  echo "$name"
}

# Downloads the package into the cache unless it is there; prints the .deb path.
guest_fetch_deb() {
  local name=$1 deb
  mkdir -p "$GUEST_CACHE/debs"
  deb=$(ls "$GUEST_CACHE"/debs/"$name"_*.deb 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$deb" ]; then
    glog "downloading $name with apt-get (about 100 MB, once)"
    local tmp; tmp=$(mktemp -d "$GUEST_CACHE/debs/.dl.XXXXXX")
    chmod 755 "$tmp"   # apt's _apt user writes here when it can
    local opts=""
    case "$name" in linux-image-5.10.*) opts=$(guest_apt_options 5.10) ;; esac
    # shellcheck disable=SC2086
    ( cd "$tmp" && apt-get $opts download -q "$name" >&2 ) || { rm -rf "$tmp"; gdie "apt-get download $name failed"; }
    mv "$tmp"/*.deb "$GUEST_CACHE/debs/" && rm -rf "$tmp"
    deb=$(ls "$GUEST_CACHE"/debs/"$name"_*.deb | sort -V | tail -1)
  fi
  echo "$deb"
}

# Extracts vmlinuz and the module closure into $GUEST_CACHE/kernels/<release>/ once; prints that directory.
# The directory holds vmlinuz, modules/*.ko (decompressed: busybox insmod reads plain ELF) and modules.load
# (file names in load order).
guest_prepare_kernel() {
  local series=$1 name deb release dir tmp
  name=$(guest_package_name "$series")
  deb=$(guest_fetch_deb "$name")
  release=${name#linux-image-}
  dir=$GUEST_CACHE/kernels/$release
  local stamp; stamp=$(printf '%s\n%s\n' "$(basename "$deb")" "$GUEST_MODULES" | sha256sum | cut -c1-16)
  if [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$stamp" ]; then echo "$dir"; return; fi
  glog "extracting $(basename "$deb")"
  tmp=$(mktemp -d "$GUEST_CACHE/.extract.XXXXXX")
  trap 'rm -rf "$tmp"' RETURN
  dpkg-deb -x "$deb" "$tmp/root"
  local moddir=$tmp/root/lib/modules/$release
  [ -d "$moddir" ] || gdie "$deb has no lib/modules/$release"
  depmod -b "$tmp/root" "$release" || gdie "depmod failed for $release (install kmod)"
  rm -rf "$dir.new" && mkdir -p "$dir.new/modules"
  cp "$tmp/root/boot/vmlinuz-$release" "$dir.new/vmlinuz"
  local m line ko seen=" "
  for m in $GUEST_MODULES; do
    # "insmod /path/x.ko" lines, dependencies first; "builtin x" lines need nothing.
    while read -r line; do
      case "$line" in insmod\ *) ko=${line#insmod }; ko=${ko%% *} ;; *) continue ;; esac
      local base; base=$(basename "$ko"); base=${base%.xz}; base=${base%.zst}
      case "$seen" in *" $base "*) continue ;; esac
      seen="$seen$base "
      case "$ko" in
        *.xz) xz -dc "$ko" > "$dir.new/modules/$base" ;;
        *.zst) zstd -qdc "$ko" > "$dir.new/modules/$base" ;;
        *) cp "$ko" "$dir.new/modules/$base" ;;
      esac
      echo "$base" >> "$dir.new/modules.load"
    done < <(modprobe -d "$tmp/root" -S "$release" --show-depends "$m" 2>/dev/null ||
             gdie "module $m not found in $release")
  done
  touch "$dir.new/modules.load"
  echo "$stamp" > "$dir.new/stamp"
  rm -rf "$dir" && mv "$dir.new" "$dir"
  echo "$dir"
}

# Builds the initramfs (busybox-static, the kernel's modules, init) into $2.
guest_build_initramfs() {
  local kdir=$1 out=$2 here root busybox
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  busybox=/bin/busybox   # from busybox-static: the initramfs has no libc
  [ -x "$busybox" ] || gdie "busybox not found (apt-get install busybox-static)"
  root=$(mktemp -d)
  mkdir -p "$root"/{bin,dev,proc,sys,host,modules}
  cp "$busybox" "$root/bin/busybox"
  cp "$kdir"/modules/*.ko "$root/modules/" 2>/dev/null || true
  cp "$kdir/modules.load" "$root/modules.load"
  cp "$here/init.sh" "$root/init" && chmod 755 "$root/init"
  ( cd "$root" && find . -print0 | cpio --null -o -H newc --quiet ) | gzip -1 > "$out"
  rm -rf "$root"
}
