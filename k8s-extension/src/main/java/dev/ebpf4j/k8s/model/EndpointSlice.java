package dev.ebpf4j.k8s.model;

import java.util.List;
import java.util.Objects;

/**
 * An EndpointSlice of a Service. Immutable.
 *
 * @param namespace   the slice's namespace (the Service's)
 * @param name        the slice's own name
 * @param service     the Service it belongs to ({@code kubernetes.io/service-name})
 * @param addressType IPv4, IPv6 or FQDN
 * @param endpoints   its endpoints
 * @param ports       its ports
 */
public record EndpointSlice(String namespace, String name, ServiceName service, AddressType addressType,
                            List<Endpoint> endpoints, List<EndpointPort> ports) {
    /** Copies lists and checks that every endpoint address matches the address type. */
    public EndpointSlice {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(addressType, "addressType");
        endpoints = List.copyOf(endpoints);
        ports = List.copyOf(ports);
        if (!service.namespace().equals(namespace)) {
            throw new IllegalArgumentException("slice " + namespace + "/" + name + " points at Service " + service + " in another namespace");
        }
        for (Endpoint e : endpoints) {
            for (var a : e.addresses()) {
                boolean v6 = a instanceof java.net.Inet6Address;
                if ((addressType == AddressType.IPV4 && v6) || (addressType == AddressType.IPV6 && !v6)) {
                    throw new IllegalArgumentException("slice " + namespace + "/" + name + " of type " + addressType + " holds " + a);
                }
            }
        }
    }

    /** {@code namespace/name} of the slice itself. */
    public String key() {
        return namespace + "/" + name;
    }
}
