/**
 * Readers for BPF ring buffers and perf event buffers, over shared memory with no copy per record.
 *
 * {@snippet :
 * try (RingBufferReader reader = RingBufferReader.of(RingBuffer.of(obj.map("events")))) {
 *     int n = reader.poll(Duration.ofMillis(100), (source, record) -> System.out.println(record.byteSize()));
 *     // or, with no object per record whatever the handler does: the record's position in the ring's memory
 *     reader.poll(Duration.ofMillis(100), (source, data, offset, length) -> sum += data.get(JAVA_LONG_UNALIGNED, offset));
 * }
 * }
 *
 * <p>Requirements: ring buffers need Linux 5.8; perf buffers need CAP_PERFMON (or CAP_SYS_ADMIN) for
 * {@code perf_event_open}. Records are views valid only during the callback; copy what you keep.
 */
package dev.ebpf4j.maps.ringbuf;
