package dev.ebpf4j.k8s.model;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** IP literal parsing without name resolution: a cluster-state value that is not a literal is an error, not a DNS query. */
final class IpLiterals {
    private IpLiterals() {
    }

    static InetAddress parse(String literal) {
        try {
            return InetAddress.ofLiteral(literal.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an IP address literal: '" + literal + "'", e);
        }
    }

    static List<InetAddress> parseAll(List<String> literals) {
        if (literals == null) return List.of();
        List<InetAddress> out = new ArrayList<>(literals.size());
        for (String s : literals) {
            if (s != null && !s.isEmpty() && !s.equals("None")) out.add(parse(s));
        }
        return List.copyOf(out);
    }
}
