#!/usr/bin/env bash
# Runs an image tarball built by jib:buildTar without a container runtime: unpacks its layers into a temporary root,
# mounts /proc there (the JDK launcher finds its libraries through /proc/self/exe) and runs the image's entrypoint
# with ARGS in a chroot; with --exec, runs COMMAND (looked up on the image's PATH) instead, as kubectl exec would.
# Needs root. Usage: smoke-test.sh target/jib-image.tar [ARGS...] | smoke-test.sh IMAGE.tar --exec COMMAND [ARGS...]
set -euo pipefail
TAR=${1:?usage: smoke-test.sh IMAGE.tar [ARGS...] | IMAGE.tar --exec COMMAND [ARGS...]}; shift
EXEC=0
if [ "${1:-}" = --exec ]; then EXEC=1; shift; [ $# -gt 0 ] || { echo "smoke-test: --exec needs a COMMAND" >&2; exit 2; }; fi
work=$(mktemp -d /tmp/e4j-image-XXXXXX)
cleanup() { umount "$work/root/proc" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/x" "$work/root/proc"
tar -xf "$TAR" -C "$work/x"
read -r config layers < <(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))[0]; print(m["Config"], " ".join(m["Layers"]))' "$work/x/manifest.json")
for layer in $layers; do tar --warning=no-unknown-keyword -xzf "$work/x/$layer" -C "$work/root"; done
# Entrypoint and Cmd, with the command resolved through the image's PATH as a container runtime would; then its Env.
mapfile -t entry < <(python3 - "$work/x/$config" "$work/root" "$EXEC" "${1:-}" <<'PY'
import json, os, sys
c = json.load(open(sys.argv[1]))["config"]
argv = [sys.argv[4]] if sys.argv[3] == "1" else (c.get("Entrypoint") or []) + (c.get("Cmd") or [])
env = dict(e.split("=", 1) for e in c.get("Env") or [])
if "/" not in argv[0]:
    for d in env.get("PATH", "/usr/bin:/bin").split(":"):
        if os.path.exists(sys.argv[2] + d + "/" + argv[0]):
            argv[0] = d + "/" + argv[0]
            break
print("\n".join(argv))
PY
)
mapfile -t environment < <(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))["config"].get("Env") or []))' "$work/x/$config")
mount -t proc proc "$work/root/proc"
if [ $EXEC = 1 ]; then shift; fi
env -i "${environment[@]}" "$(command -v chroot)" "$work/root" "${entry[@]}" "$@"
