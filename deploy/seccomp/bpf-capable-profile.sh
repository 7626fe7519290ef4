#!/usr/bin/env bash
# Derives, from a container runtime's default seccomp profile (OCI/moby JSON format, as podman's and CRI-O's
# /usr/share/containers/seccomp.json), the same profile in which the bpf syscall is allowed with CAP_BPF and
# perf_event_open with CAP_PERFMON, not only with CAP_SYS_ADMIN: what RuntimeDefault already is on containerd 1.7+
# (containerd PR 7301) and Docker 23+ (moby PR 43987). Older profiles, such as Debian 12's containers-common 0.50.1
# that podman 4.3 uses, answer the agent's first bpf() with EPERM although it holds CAP_BPF. See deploy/README.md.
# Usage: bpf-capable-profile.sh [DEFAULT.json] > OUT.json   (default: /usr/share/containers/seccomp.json)
set -euo pipefail
IN=${1:-/usr/share/containers/seccomp.json}
[ -r "$IN" ] || { echo "bpf-capable-profile: cannot read $IN (give your runtime's default seccomp profile)" >&2; exit 1; }
python3 - "$IN" <<'PY'
import json, sys
profile = json.load(open(sys.argv[1]))
rules = profile["syscalls"]
gated = {"bpf": "CAP_BPF", "perf_event_open": "CAP_PERFMON"}
for rule in rules:
    # The deny rules for callers without CAP_SYS_ADMIN would override an allow by another capability: take the two
    # system calls out of them (the default action still refuses them to a caller with neither capability).
    if rule.get("action") == "SCMP_ACT_ERRNO" and "CAP_SYS_ADMIN" in rule.get("excludes", {}).get("caps", []):
        rule["names"] = [n for n in rule["names"] if n not in gated]
for name, cap in gated.items():
    if not any(name in r["names"] and cap in r.get("includes", {}).get("caps", []) for r in rules):
        rules.append({"names": [name], "action": "SCMP_ACT_ALLOW", "args": [], "comment": "allowed with " + cap,
                      "includes": {"caps": [cap]}, "excludes": {}})
json.dump(profile, sys.stdout, indent=1)
print()
PY
