# Shared by ./dev and the scripts under scripts/: machine setup and JDK selection. Source it, do not run it.

# podman + runc: AgentContainerIT runs the agent's image as the DaemonSet would (runc, not crun: crun 1.8.1 refuses
# this machine kind's hybrid cgroups); podman's own default seccomp profile comes with it (golang-github-containers-common).
# libsctp1 + ethtool: the SCTP NodePort guest test (the JDK's jdk.sctp loads libsctp.so.1; ethtool turns off veth SCTP
# checksum offload so that the datapath's CRC32c update is what the receiver checks).
APT_PACKAGES=(clang llvm gcc libc6-dev iproute2 iputils-ping netcat-openbsd iptables libcap2-bin gnupg
  qemu-system-x86 busybox-static cpio kmod xz-utils python3 chromium podman runc libsctp1 ethtool)
BACKPORTS_LIST=/etc/apt/sources.list.d/ebpf4j-bookworm-backports.list

log() { printf '[ebpf4j] %s\n' "$*" >&2; }

setup_machine() {
  if [ "$(id -u)" != 0 ]; then
    log "not root: skipping package installs and mounts (run as root to set up the machine)"; return 0
  fi
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # libbpf 1.4.6 (bundled into the core jar at build time) comes from bookworm-backports.
  local need_update=0
  if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    log "adding the Debian bookworm-backports source ($BACKPORTS_LIST) for libbpf 1.4.6"
    echo "deb http://deb.debian.org/debian bookworm-backports main" > "$BACKPORTS_LIST"
    need_update=1
  fi
  apt-cache policy libbpf1 2>/dev/null | grep -q "1.4.6" || need_update=1
  if [ ${#missing[@]} -gt 0 ] || [ $need_update = 1 ]; then
    log "apt-get update"
    apt-get update -qq
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  if ! mountpoint -q /sys/fs/bpf; then log "mounting bpffs at /sys/fs/bpf"; mount -t bpf bpf /sys/fs/bpf; fi
  if ! mountpoint -q /sys/kernel/tracing && [ -d /sys/kernel/tracing ]; then
    log "mounting tracefs at /sys/kernel/tracing"; mount -t tracefs tracefs /sys/kernel/tracing || true
  fi
}

# Picks a JDK >= 22 for the build: $JAVA_HOME if it qualifies, else the newest under /usr/lib/jvm.
select_jdk() {
  local candidates=() home v best="" bestv=0
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for home in /usr/lib/jvm/*/; do candidates+=("${home%/}"); done
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/javac" ] || continue
    v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    v=${v%%.*}
    if [ -n "$v" ] && [ "$v" -ge 22 ] && [ "$v" -gt "$bestv" ]; then best=$home; bestv=$v; fi
  done
  if [ -z "$best" ]; then
    log "no JDK 22 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm/*)."
    log "install one, e.g. Temurin 25 (temurin-25-jdk from Adoptium's apt repository) or any OpenJDK >= 22, then retry."
    exit 1
  fi
  export JAVA_HOME=$best
  export PATH="$JAVA_HOME/bin:$PATH"
  log "using JDK $bestv at $JAVA_HOME"
}

# The CLI distribution that the k8s-extension build makes (k8s-extension/target/ebpf4j-<version>-cli.tar.gz).
cli_tarball() {
  local version
  version=$(sed -n '/<artifactId>ebpf4j-parent<\/artifactId>/{n;s:.*<version>\([^<]*\)</version>.*:\1:p;q}' pom.xml)
  echo "k8s-extension/target/ebpf4j-$version-cli.tar.gz"
}

# ./dev install-cli [--uninstall]: unpacks the CLI distribution into $PREFIX (default /opt/ebpf4j) and links
# $EBPF4J_BIN_DIR/ebpf4j (default /usr/local/bin) to its launcher, building it first when the tar.gz is missing or older
# than the sources of the modules in it. Running it again replaces the installation. A marker file keeps both install
# and --uninstall from replacing or removing a directory that some other software owns.
install_cli() {
  local prefix=${PREFIX:-/opt/ebpf4j} bindir=${EBPF4J_BIN_DIR:-/usr/local/bin} marker=.ebpf4j-cli
  local link=$bindir/ebpf4j tarball stage
  case $prefix in /?*) ;; *) log "PREFIX must be an absolute directory (got '$prefix')"; exit 2 ;; esac
  if [ -e "$prefix" ] && [ ! -e "$prefix/$marker" ] && [ -n "$(ls -A "$prefix" 2>/dev/null)" ]; then
    log "$prefix exists and is not an ebpf4j CLI installation (no $marker): choose another PREFIX or remove it yourself"
    exit 1
  fi
  if [ "${1:-}" = --uninstall ]; then
    if [ -L "$link" ] && [ "$(readlink "$link")" = "$prefix/bin/ebpf4j" ]; then rm -f "$link"; log "removed $link"; fi
    if [ -e "$prefix" ]; then rm -rf "$prefix"; log "removed $prefix"; fi
    return 0
  fi
  [ $# = 0 ] || { log "install-cli takes no arguments but --uninstall (got: $*)"; exit 2; }
  if [ -e "$link" ] && ! [ -L "$link" ]; then
    log "$link exists and is not a link: remove it or set EBPF4J_BIN_DIR"; exit 1
  fi
  tarball=$(cli_tarball)
  if [ ! -f "$tarball" ] || [ -n "$(find pom.xml core maps programs bpf-src k8s-extension -newer "$tarball" \
      \( -path '*/src/*' -o -name pom.xml \) -type f -print -quit)" ]; then
    log "building $tarball"
    setup_machine; select_jdk
    ./mvnw -B -q -ntp -DskipTests -pl k8s-extension -am package
  fi
  mkdir -p "${prefix%/*}/"
  stage=$(mktemp -d "${prefix%/*}/.ebpf4j-cli-XXXXXX")
  tar -xzf "$tarball" -C "$stage" --strip-components=1
  touch "$stage/$marker"
  rm -rf "$prefix"
  mv "$stage" "$prefix"
  chmod 755 "$prefix"
  mkdir -p "$bindir"
  ln -sfn "$prefix/bin/ebpf4j" "$link"
  log "installed $prefix from $tarball; $link -> $prefix/bin/ebpf4j"
}
