package dev.ebpf4j.k8s.observe;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A DNS query, or a response matched to its query.
 *
 * @param id       transaction id
 * @param name     first question's name, without the trailing dot
 * @param qtype    first question's type (1 = A, 28 = AAAA, ...)
 * @param response whether this describes a response
 * @param rcode    response code (0 NOERROR, 3 NXDOMAIN, ...), 0 for queries
 * @param answers  A/AAAA addresses in the answer section
 * @param latency  query-to-response time ({@link Duration#ZERO} for queries and unmatched responses)
 */
public record DnsInfo(int id, String name, int qtype, boolean response, int rcode, List<InetAddress> answers,
                      Duration latency) implements L7Info {
    public DnsInfo {
        Objects.requireNonNull(name, "name");
        answers = List.copyOf(answers);
        Objects.requireNonNull(latency, "latency");
    }

    /** Mnemonic of {@link #qtype()} ({@code A}, {@code AAAA}, ..., or {@code TYPE<n>}). */
    public String qtypeName() {
        return switch (qtype) {
            case 1 -> "A"; case 2 -> "NS"; case 5 -> "CNAME"; case 6 -> "SOA"; case 12 -> "PTR";
            case 15 -> "MX"; case 16 -> "TXT"; case 28 -> "AAAA"; case 33 -> "SRV"; case 65 -> "HTTPS";
            default -> "TYPE" + qtype;
        };
    }

    /** Mnemonic of {@link #rcode()}. */
    public String rcodeName() {
        return switch (rcode) {
            case 0 -> "NOERROR"; case 1 -> "FORMERR"; case 2 -> "SERVFAIL"; case 3 -> "NXDOMAIN";
            case 4 -> "NOTIMP"; case 5 -> "REFUSED"; default -> "RCODE" + rcode;
        };
    }
}
