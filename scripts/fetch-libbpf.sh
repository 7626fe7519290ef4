#!/usr/bin/env bash
# Fetches the libbpf that ebpf4j bundles, from Debian packages (never vendored source),
# and lays it out under OUT/:
#   OUT/native/linux-x86_64/libbpf.so.1, libelf.so.1   (loaded at run time)
#   OUT/include/bpf/*.h                                 (libbpf's BPF-side headers, used by the CO-RE builder)
#   OUT/native/linux-x86_64/libbpf.properties           (version, source packages, SHA-256 of each file)
# Packages are cached in $EBPF4J_DEB_CACHE (default ~/.cache/ebpf4j/debs) and checked against pinned SHA-256 sums.
# aarch64: the same packages exist for arm64 (libbpf1_1.4.6-1~bpo12+1_arm64.deb); run with ARCH=arm64 and the
# arm64 sums below filled in, and the files land in native/linux-aarch64/ (see site/docs/native.md).
set -euo pipefail
OUT=${1:?usage: fetch-libbpf.sh OUTDIR}
ARCH=${ARCH:-amd64}
LIBBPF_VERSION=1:1.4.6-1~bpo12+1
LIBELF_VERSION=0.188-2.1
declare -A SHA=(
  [libbpf1_amd64]=770029ba49e9576fbe3d70a1c2cf8577999c6e571f88cd89011bee6e79956f05
  [libelf1_amd64]=619add379c606b3ac6c1a175853b918e6939598a83d8ebadf3bdfd50d10b3c8c
)
case "$ARCH" in amd64) PLATFORM=linux-x86_64 ;; arm64) PLATFORM=linux-aarch64 ;; *) echo "unsupported ARCH=$ARCH" >&2; exit 2 ;; esac
CACHE=${EBPF4J_DEB_CACHE:-$HOME/.cache/ebpf4j/debs}
mkdir -p "$CACHE"

fetch() { # package version -> path of the .deb in the cache
  local pkg=$1 ver=$2 file
  file=$(ls "$CACHE"/"${pkg}"_*"${ver#*:}"_"$ARCH".deb 2>/dev/null | head -1 || true)
  if [ -z "$file" ]; then
    ( cd "$CACHE" && apt-get download -q "$pkg:$ARCH=$ver" >&2 ) || {
      echo "fetch-libbpf: could not download $pkg=$ver with apt-get." >&2
      echo "  libbpf $ver comes from bookworm-backports: run './dev setup' as root once (it adds the" >&2
      echo "  backports source and runs apt-get update), or put the .deb into $CACHE." >&2
      exit 1; }
    file=$(ls "$CACHE"/"${pkg}"_*"${ver#*:}"_"$ARCH".deb | head -1)
  fi
  echo "$file"
}
check() { # key file
  local want=${SHA[$1]:-} got
  got=$(sha256sum "$2" | cut -d' ' -f1)
  if [ -n "$want" ] && [ "$want" != "$got" ]; then
    echo "fetch-libbpf: $2 has SHA-256 $got, expected $want" >&2; exit 1
  fi
}

LIBBPF_DEB=$(fetch libbpf1 "$LIBBPF_VERSION"); check libbpf1_$ARCH "$LIBBPF_DEB"
LIBBPF_DEV_DEB=$(fetch libbpf-dev "$LIBBPF_VERSION")
LIBELF_DEB=$(fetch libelf1 "$LIBELF_VERSION"); check libelf1_$ARCH "$LIBELF_DEB"

WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
for d in "$LIBBPF_DEB" "$LIBBPF_DEV_DEB" "$LIBELF_DEB"; do dpkg-deb -x "$d" "$WORK"; done
NATIVE="$OUT/native/$PLATFORM"
mkdir -p "$NATIVE" "$OUT/include/bpf"
MULTI=$(ls -d "$WORK"/usr/lib/*-linux-gnu | head -1)
cp -L "$MULTI"/libbpf.so.1 "$NATIVE/libbpf.so.1"
cp -L "$MULTI"/libelf.so.1 "$NATIVE/libelf.so.1"
cp "$WORK"/usr/include/bpf/*.h "$OUT/include/bpf/"
{
  echo "libbpf.version=${LIBBPF_VERSION#*:}"
  echo "libbpf.package=libbpf1_${LIBBPF_VERSION#*:}_$ARCH.deb"
  echo "libbpf.sha256=$(sha256sum "$NATIVE/libbpf.so.1" | cut -d' ' -f1)"
  echo "libelf.version=$LIBELF_VERSION"
  echo "libelf.package=libelf1_${LIBELF_VERSION}_$ARCH.deb"
  echo "libelf.sha256=$(sha256sum "$NATIVE/libelf.so.1" | cut -d' ' -f1)"
  echo "platform=$PLATFORM"
} > "$NATIVE/libbpf.properties"
echo "fetch-libbpf: bundled $(cat "$NATIVE/libbpf.properties" | tr '\n' ' ')" >&2
