#!/usr/bin/env bash
# Builds the documentation site into site/target/site/ (static files: open index.html or serve the directory).
#   scripts/build-site.sh [--out DIR] [--results DIR] [--test-data] [--no-javadoc]
# Steps: build the generator (site/generator, commonmark-java), javadoc of $SITE_JAVADOC_MODULES (default: every
# published module, "core testkit maps programs bpf-src k8s-extension") into OUT/api/<module>/, then Markdown from site/docs/ to HTML with the nav bar, code included
# from compiled sources, and SVG plots of benchmarks/results/*.csv. --test-data labels every chart as test data
# (only for site/test-data, used by release-tests). Any missing include, page or malformed result file fails.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
select_jdk

out=site/target/site
results=benchmarks/results
javadoc=1
flags=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --test-data) flags+=(--test-data); shift ;;
    --no-javadoc) javadoc=0; flags+=(--no-javadoc); shift ;;
    *) sed -n '2,7p' "$0" >&2; exit 2 ;;
  esac
done

rm -rf "$out"
mkdir -p "$out"
log "site: building the generator"
./mvnw -B -q -ntp -f site/generator/pom.xml compile dependency:copy-dependencies

if [ $javadoc = 1 ]; then
  modules=${SITE_JAVADOC_MODULES:-core testkit maps programs bpf-src k8s-extension}
  log "site: javadoc of: $modules"
  # javadoc of a JPMS module needs its dependencies' module descriptors: package them in this reactor first (into
  # the modules' target/ only; nothing is installed). Javadoc errors fail the build.
  ./mvnw -B -q -ntp -Dmaven.test.skip=true package javadoc:javadoc \
    -am -pl "$(echo "$modules" | tr ' ' ',')"
  mkdir -p "$out/api"
  for m in $modules; do cp -r "$m/target/reports/apidocs" "$out/api/$m"; done
fi

java -cp "site/generator/target/classes:site/generator/target/lib/*" dev.ebpf4j.site.SiteGenerator \
  --root . --docs site/docs --assets site/assets --out "$out" --results "$results" "${flags[@]}"
log "site: open $out/index.html"
