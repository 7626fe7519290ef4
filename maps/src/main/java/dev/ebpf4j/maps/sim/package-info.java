/**
 * SIMULATION: in-memory stand-ins for the kernel maps, for unit tests that run without root or a kernel. They
 * implement the same interfaces ({@link dev.ebpf4j.maps.KeyValueMap}, {@link dev.ebpf4j.maps.PushPopMap}) and pass
 * the same property tests as the kernel maps, but they are not kernel maps: no BPF program can see them.
 *
 * {@snippet class="dev.ebpf4j.maps.sim.PackageSnippets" region="example"}
 *
 * <p>Requirements: none. The simulations model the kernel's observable semantics (full maps, put modes, array
 * deletes failing with EINVAL, LRU eviction keeping at most max entries, longest-prefix match, queue/stack order).
 */
package dev.ebpf4j.maps.sim;
