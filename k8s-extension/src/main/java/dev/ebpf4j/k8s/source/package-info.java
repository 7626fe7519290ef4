/**
 * Where cluster state comes from: fabric8 informers against an API server, or a watched directory of manifests.
 */
package dev.ebpf4j.k8s.source;
