#!/usr/bin/env bash
# Regenerates libbpf bindings with jextract, where jextract is installed (it is not obtainable from the package
# registries this project's machines reach, so the checked-in bindings under
# core/src/main/java/dev/ebpf4j/core/internal/libbpf are hand-written in jextract's shape).
#
#   scripts/jextract-bindings.sh [OUTDIR]
#
# Every function bound by hand (found by grepping the binding classes for downcall names) is passed with
# --include-function, so the generated code covers exactly what we call; compare it with the hand-written classes.
# Headers come from the bundled libbpf (core/target/libbpf/include, made by the core build), never the system's.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-target/jextract}
JEXTRACT=${JEXTRACT:-jextract}
command -v "$JEXTRACT" >/dev/null || { echo "jextract not found (set JEXTRACT=/path/to/jextract)" >&2; exit 2; }
INCLUDE=core/target/libbpf/include
[ -f "$INCLUDE/bpf/libbpf.h" ] || { echo "build core first (./dev build): $INCLUDE missing" >&2; exit 2; }
functions=$(grep -rhoE '"(bpf|btf|libbpf|ring_buffer|perf_buffer|user_ring_buffer)[a-z0-9_]*"' \
  core/src/main/java maps/src/main/java programs/src/main/java 2>/dev/null | tr -d '"' | sort -u)
args=()
for f in $functions; do args+=(--include-function "$f"); done
mkdir -p "$OUT"
cat > "$OUT/libbpf-all.h" <<'H'
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
H
"$JEXTRACT" -I "$INCLUDE" -t dev.ebpf4j.core.internal.libbpf.generated --output "$OUT" "${args[@]}" \
  --include-struct bpf_object_open_opts --include-struct bpf_test_run_opts --include-struct bpf_link_create_opts \
  --include-struct bpf_map_create_opts --include-struct bpf_map_batch_opts --include-struct bpf_tc_hook \
  --include-struct bpf_tc_opts --include-struct bpf_prog_load_opts "$OUT/libbpf-all.h"
echo "generated $(echo "$functions" | wc -w) functions into $OUT" >&2
