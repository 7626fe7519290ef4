#!/usr/bin/env bash
# Runs a sample from samples/ with the JDK ./dev selected: scripts/run-sample.sh NAME [ARGS...]
#   lb            the kube-proxy-less Service load balancer on network namespaces (the main demo)
#   xdp-counter   the XDP packet counter on a veth pair
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:-lb}; shift || true
case "$name" in
  lb)          main=dev.ebpf4j.samples.lb.ServiceLbSample ;;
  xdp-counter) main=dev.ebpf4j.samples.xdp.XdpCounterSample ;;
  xdp-ddos)    main=dev.ebpf4j.samples.ddos.XdpDdosSample ;;
  tc-counter)  main=dev.ebpf4j.samples.tccounter.TcCounterSample ;;
  sniffer)     main=dev.ebpf4j.samples.sniffer.SnifferSample ;;
  tcp-tracer)  main=dev.ebpf4j.samples.tcptracer.TcpTracerSample ;;
  *) echo "unknown sample '$name' (lb, xdp-counter)" >&2; exit 2 ;;
esac
cp="samples/target/classes:$(cat samples/target/classpath.txt)"
exec "${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" "$main" "$@"
