#!/usr/bin/env bash
# Runs a sample from samples/ with the JDK ./dev selected: scripts/run-sample.sh NAME [ARGS...]
#   readme        the README's example (samples/src/readme/java/CountUdp.java) with java's source launcher
#   lb            the kube-proxy-less Service load balancer on network namespaces (the main demo)
#   cluster       the load balancer on a three-node cluster of namespaces, an agent JVM per node [CONNECTIONS]
#   xdp-counter   the XDP packet counter on a veth pair
#   xdp-ddos      XDP DDoS mitigation: LPM blocklist (IPv4+IPv6), per-source token bucket, drop counters [RATE BURST]
#   tc-counter    per-pod TC (tcx) traffic counter on a node namespace's host-side veths
#   sniffer       socket-filter sniffer on an AF_PACKET socket: SYNs, DNS and one port [PORT]
#   tcp-tracer    TCP connection tracer on sock:inet_sock_set_state (DatapathObserver) [CONNECTIONS]
#   dns-observer  DNS queries and answers seen on a pod interface (DatapathObserver) with a tiny DNS server
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:-lb}; shift || true
cp="samples/target/classes:$(cat samples/target/classpath.txt)"
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
case "$name" in
  readme)      exec "$java" --enable-native-access=ALL-UNNAMED -cp "$cp" samples/src/readme/java/CountUdp.java "$@" ;;
  lb)          main=dev.ebpf4j.samples.lb.ServiceLbSample ;;
  cluster)     main=dev.ebpf4j.samples.lb.ClusterLbSample ;;
  xdp-counter) main=dev.ebpf4j.samples.xdp.XdpCounterSample ;;
  xdp-ddos)    main=dev.ebpf4j.samples.ddos.XdpDdosSample ;;
  tc-counter)  main=dev.ebpf4j.samples.tccounter.TcCounterSample ;;
  sniffer)     main=dev.ebpf4j.samples.sniffer.SnifferSample ;;
  tcp-tracer)  main=dev.ebpf4j.samples.tcptracer.TcpTracerSample ;;
  dns-observer) main=dev.ebpf4j.samples.dns.DnsObserverSample ;;
  *) echo "unknown sample '$name' (readme, lb, cluster, xdp-counter, xdp-ddos, tc-counter, sniffer, tcp-tracer, dns-observer)" >&2; exit 2 ;;
esac
exec "$java" --enable-native-access=ALL-UNNAMED -cp "$cp" "$main" "$@"
