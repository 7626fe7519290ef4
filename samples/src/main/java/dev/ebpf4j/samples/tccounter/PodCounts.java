package dev.ebpf4j.samples.tccounter;

import java.util.Map;

/**
 * One pod's row of the table.
 *
 * @param sentPackets     UDP packets the pod sent
 * @param sentBytes       their bytes as TC sees them (Ethernet header included)
 * @param receivedPackets UDP packets delivered to the pod
 * @param receivedBytes   their bytes
 */
public record PodCounts(long sentPackets, long sentBytes, long receivedPackets, long receivedBytes) {
    static void print(Map<String, PodCounts> counted, Map<String, String> ips, Map<String, PodCounts> expected) {
        System.out.printf("%-5s %-12s %10s %10s %10s %10s   %s%n", "pod", "ip", "tx pkts", "tx bytes", "rx pkts", "rx bytes", "expected (tx/rx pkts, bytes)");
        counted.forEach((pod, c) -> {
            PodCounts e = expected.get(pod);
            System.out.printf("%-5s %-12s %10d %10d %10d %10d   %d/%d, %d/%d%s%n", pod, ips.get(pod), c.sentPackets, c.sentBytes,
                    c.receivedPackets, c.receivedBytes, e.sentPackets, e.receivedPackets, e.sentBytes, e.receivedBytes,
                    c.equals(e) ? "" : "   MISMATCH");
        });
    }
}
