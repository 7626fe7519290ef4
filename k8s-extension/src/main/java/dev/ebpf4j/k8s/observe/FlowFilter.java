package dev.ebpf4j.k8s.observe;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A flow filter with {@code hubble observe} semantics: several values of one criterion are OR-ed, different criteria
 * are AND-ed; a filter with no criteria matches everything. Immutable and thread-safe; build with {@link #builder()}.
 *
 * <p>Pod values are {@code [namespace/]name-prefix}: without a namespace the prefix matches in any namespace.
 * {@code --ip} values are addresses or CIDRs. {@code --http-path} values are regular expressions searched in the path
 * (anchor with {@code ^...$} for a full match). {@code --http-status} values are exact codes ({@code 404}) or prefixes
 * ending in {@code +} ({@code 5+}, {@code 40+}).
 */
public final class FlowFilter implements Predicate<Flow> {
    private final List<Predicate<Flow>> criteria;
    private final String description;

    private FlowFilter(List<Predicate<Flow>> criteria, String description) {
        this.criteria = List.copyOf(criteria);
        this.description = description;
    }

    /** A filter matching every flow. */
    public static FlowFilter all() {
        return builder().build();
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean test(Flow flow) {
        for (Predicate<Flow> c : criteria) if (!c.test(flow)) return false;
        return true;
    }

    @Override
    public String toString() {
        return description.isEmpty() ? "FlowFilter[all]" : "FlowFilter[" + description + "]";
    }

    /** Collects criteria; each method adds one criterion whose values are OR-ed. Empty value lists add nothing. */
    public static final class Builder {
        private final List<Predicate<Flow>> criteria = new ArrayList<>();
        private final StringBuilder description = new StringBuilder();

        private Builder() {}

        /** Source pod is one of {@code pods}. */
        public Builder fromPod(List<String> pods) {
            return add("from-pod", pods, v -> { Predicate<FlowEndpoint> p = pod(v); return f -> p.test(f.source()); });
        }

        /** Destination pod is one of {@code pods}. */
        public Builder toPod(List<String> pods) {
            return add("to-pod", pods, v -> { Predicate<FlowEndpoint> p = pod(v); return f -> p.test(f.destination()); });
        }

        /** Source or destination pod is one of {@code pods}. */
        public Builder pod(List<String> pods) {
            return add("pod", pods, v -> { Predicate<FlowEndpoint> p = pod(v); return f -> p.test(f.source()) || p.test(f.destination()); });
        }

        /** Source or destination is in one of {@code namespaces}. */
        public Builder namespace(List<String> namespaces) {
            return add("namespace", namespaces, v -> f -> v.equals(f.source().namespace()) || v.equals(f.destination().namespace()));
        }

        /** Source or destination address is one of {@code ips} (addresses or CIDRs). */
        public Builder ip(List<String> ips) {
            return add("ip", ips, v -> { Cidr c = Cidr.parse(v); return f -> c.contains(f.source().address()) || c.contains(f.destination().address()); });
        }

        /** Source or destination port is one of {@code ports}. */
        public Builder port(List<Integer> ports) {
            return add("port", ports, v -> {
                if (v < 0 || v > 65535) throw new IllegalArgumentException("--port " + v + ": ports are 0..65535");
                return f -> f.source().port() == v || f.destination().port() == v;
            });
        }

        /** Protocol is one of {@code protocols}: tcp, udp, icmp, icmpv6, sctp, http, dns. */
        public Builder protocol(List<String> protocols) {
            return add("protocol", protocols, v -> switch (v.toLowerCase(Locale.ROOT)) {
                case "tcp" -> f -> f.protocol() == 6;
                case "udp" -> f -> f.protocol() == 17;
                case "icmp", "icmpv4" -> f -> f.protocol() == 1;
                case "icmpv6" -> f -> f.protocol() == 58;
                case "sctp" -> f -> f.protocol() == 132;
                case "http" -> f -> f.l7() instanceof HttpInfo;
                case "dns" -> f -> f.l7() instanceof DnsInfo;
                default -> throw new IllegalArgumentException("--protocol " + v + ": use tcp, udp, icmp, icmpv6, sctp, http or dns");
            });
        }

        /** Verdict is one of {@code verdicts} (FORWARDED, DROPPED, TRANSLATED; case-insensitive). */
        public Builder verdict(List<String> verdicts) {
            return add("verdict", verdicts, v -> {
                Verdict want = parseEnum(Verdict.class, v, "--verdict");
                return f -> f.verdict() == want;
            });
        }

        /** Flow type is one of {@code types} (l7, trace, drop, sock). */
        public Builder type(List<String> types) {
            return add("type", types, v -> {
                FlowType want = parseEnum(FlowType.class, v, "--type");
                return f -> f.type() == want;
            });
        }

        /** HTTP method is one of {@code methods} (case-insensitive). */
        public Builder httpMethod(List<String> methods) {
            return add("http-method", methods, v -> f -> f.l7() instanceof HttpInfo h && h.method().equalsIgnoreCase(v));
        }

        /** HTTP path matches one of the regular expressions {@code paths}. */
        public Builder httpPath(List<String> paths) {
            return add("http-path", paths, v -> {
                Pattern p;
                try {
                    p = Pattern.compile(v);
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("--http-path " + v + ": not a regular expression: " + e.getDescription());
                }
                return f -> f.l7() instanceof HttpInfo h && p.matcher(h.path()).find();
            });
        }

        /** HTTP status matches one of {@code statuses}: exact ({@code 200}) or prefix ({@code 5+}). */
        public Builder httpStatus(List<String> statuses) {
            return add("http-status", statuses, v -> {
                if (!v.matches("[1-5][0-9]{2}|[1-5][0-9]?\\+")) {
                    throw new IllegalArgumentException("--http-status " + v + ": use a code (404) or a prefix with + (5+, 40+)");
                }
                boolean prefix = v.endsWith("+");
                String digits = prefix ? v.substring(0, v.length() - 1) : v;
                return f -> f.l7() instanceof HttpInfo h
                        && (prefix ? Integer.toString(h.status()).startsWith(digits) : Integer.toString(h.status()).equals(digits));
            });
        }

        /** Flow time is at or after {@code since}. */
        public Builder since(Instant since) {
            if (since == null) return this;
            criteria.add(f -> !f.time().isBefore(since));
            note("since", List.of(since));
            return this;
        }

        /** Adds an arbitrary criterion (AND-ed with the rest). */
        public Builder and(Predicate<Flow> criterion) {
            criteria.add(Objects.requireNonNull(criterion, "criterion"));
            note("custom", List.of("predicate"));
            return this;
        }

        /** The filter. */
        public FlowFilter build() {
            return new FlowFilter(criteria, description.toString());
        }

        private <T> Builder add(String name, List<T> values, java.util.function.Function<T, Predicate<Flow>> one) {
            if (values == null || values.isEmpty()) return this;
            List<Predicate<Flow>> any = new ArrayList<>();
            for (T v : values) any.add(one.apply(Objects.requireNonNull(v, name + " value")));
            criteria.add(any.size() == 1 ? any.get(0) : f -> {
                for (Predicate<Flow> p : any) if (p.test(f)) return true;
                return false;
            });
            note(name, values);
            return this;
        }

        private void note(String name, List<?> values) {
            if (!description.isEmpty()) description.append(" AND ");
            description.append(name).append('=').append(values.size() == 1 ? values.get(0) : values);
        }

        private static Predicate<FlowEndpoint> pod(String value) {
            int slash = value.indexOf('/');
            String ns = slash < 0 ? null : value.substring(0, slash);
            String prefix = slash < 0 ? value : value.substring(slash + 1);
            return e -> e.identity() != null && e.identity().name().startsWith(prefix)
                    && (ns == null || ns.equals(e.identity().namespace()));
        }

        private static <E extends Enum<E>> E parseEnum(Class<E> type, String v, String flag) {
            try {
                return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(flag + " " + v + ": use one of "
                        + java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
            }
        }
    }

    /** An address range; a plain address is a /32 or /128. */
    record Cidr(byte[] network, int bits) {
        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            String host = slash < 0 ? text : text.substring(0, slash);
            if (!host.matches("[0-9a-fA-F:.]+")) throw new IllegalArgumentException("--ip " + text + ": not an IP address or CIDR");
            byte[] net;
            try {
                net = InetAddress.getByName(host).getAddress(); // literal only (checked above): no DNS lookup
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException("--ip " + text + ": not an IP address or CIDR");
            }
            int bits = net.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > net.length * 8) throw new IllegalArgumentException("--ip " + text + ": bad prefix length");
            }
            return new Cidr(net, bits);
        }

        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) return false;
            int full = bits / 8, rest = bits % 8;
            for (int i = 0; i < full; i++) if (b[i] != network[i]) return false;
            if (rest == 0) return true;
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (b[full] & mask) == (network[full] & mask);
        }
    }
}
