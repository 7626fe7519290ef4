// C libbpf baseline for the flow reader benchmark, called from RingBench through FFM so that Java and C drain the
// same ring buffer in alternating rounds of one process: ring_buffer__new once, then ring_buffer__consume (the
// no-wait form of ring_buffer__poll) until the ring is empty. The callback touches the record like the Java handler.
#include <bpf/libbpf.h>
#include <stdint.h>
#include <time.h>

static uint64_t checksum;

static int on_record(void *ctx, void *data, size_t size) {
    (void)ctx;
    (void)size;
    checksum += *(const uint64_t *)data;
    return 0;
}

void *ring_drain_open(int map_fd) {
    return ring_buffer__new(map_fd, on_record, NULL, NULL);
}

// Drains everything available; returns elapsed nanoseconds, stores the record count in *records.
long ring_drain_run(void *rb, long *records) {
    struct timespec a, b;
    long n = 0;
    int r;
    clock_gettime(CLOCK_MONOTONIC, &a);
    while ((r = ring_buffer__consume(rb)) > 0) n += r;
    clock_gettime(CLOCK_MONOTONIC, &b);
    *records = r < 0 ? r : n;
    return (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec);
}

uint64_t ring_drain_checksum(void) {
    return checksum;
}

void ring_drain_close(void *rb) {
    ring_buffer__free(rb);
}
