# Shared by run-lb-bench.sh, run-policy-bench.sh and run-ring-bench.sh (sourced from the repository root):
# selects the JDK like ./dev, builds the benchmarks module and compiles the C helpers against the bundled libbpf.
. scripts/lib.sh
select_jdk

build_net_bench() {
  local root lib
  root=$(pwd)
  ./mvnw -B -q -pl benchmarks -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/classpath.txt
  lib=core/target/libbpf/native/linux-x86_64
  local inc=core/target/libbpf/include
  for tool in http_server http_client udp_flood; do
    gcc -O2 -Wall -Wextra -o "benchmarks/target/$tool" "benchmarks/c/$tool.c"
  done
  gcc -O2 -Wall -Wextra -I"$inc" -o benchmarks/target/lb_fill benchmarks/c/lb_fill.c "$lib/libbpf.so.1" -Wl,-rpath,"$root/$lib"
  gcc -O2 -Wall -Wextra -I"$inc" -shared -fPIC -o benchmarks/target/libringdrain.so benchmarks/c/ring_drain.c \
    "$lib/libbpf.so.1" -Wl,-rpath,"$root/$lib"
  CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
}
