/**
 * Service-provider hooks: where libbpf comes from.
 *
 * {@snippet class="dev.ebpf4j.core.spi.DistroLibbpf" region="example"}
 */
package dev.ebpf4j.core.spi;
