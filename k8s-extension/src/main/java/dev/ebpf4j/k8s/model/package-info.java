/**
 * The cluster state the extension acts on: Services, EndpointSlices, Pods, Namespaces and NetworkPolicies as
 * immutable records, independent of where they come from (API server informers or a manifest directory).
 */
package dev.ebpf4j.k8s.model;
