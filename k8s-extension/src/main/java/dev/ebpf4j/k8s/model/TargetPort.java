package dev.ebpf4j.k8s.model;

import java.util.Objects;

/**
 * A Service port's {@code targetPort}: a number, or the name of a container port that EndpointSlices resolve.
 * The load balancer never needs to resolve a name itself: EndpointSlice ports carry the resolved numbers and are
 * matched to Service ports by port name.
 */
public sealed interface TargetPort {
    /** A numeric target port, 1-65535. */
    record Number(int port) implements TargetPort {
        /** Validates the range. */
        public Number {
            if (port < 1 || port > 65535) throw new IllegalArgumentException("target port out of range: " + port);
        }

        @Override
        public String toString() {
            return Integer.toString(port);
        }
    }

    /** A named target port (an IANA_SVC_NAME such as {@code http}). */
    record Named(String name) implements TargetPort {
        /** Validates the name. */
        public Named {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty()) throw new IllegalArgumentException("target port name must not be empty");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A numeric target port. */
    static TargetPort of(int port) {
        return new Number(port);
    }

    /** A named target port. */
    static TargetPort of(String name) {
        return new Named(name);
    }
}
