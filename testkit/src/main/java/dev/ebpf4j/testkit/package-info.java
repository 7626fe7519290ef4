/**
 * Test support for code that uses eBPF: {@link dev.ebpf4j.testkit.FdLeakCheck} fails a class that leaks
 * file descriptors; network namespace topologies give tests real interfaces with no route out.
 *
 * {@snippet :
 * @ExtendWith(FdLeakCheck.class)
 * class CounterIT { ... }
 * }
 *
 * <p>Requirements: Linux; the namespace helpers need root (CAP_SYS_ADMIN, CAP_NET_ADMIN) and iproute2.
 */
package dev.ebpf4j.testkit;
