// C baseline for the maps benchmarks: the same operations as MapBenchmark, through the bundled libbpf.
// Prints one JSON object per line: {"op": ..., "ns_per_op_median": ..., "runs": [...]}.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>

// Declared here rather than taken from bpf.h: the bundled headers carry the BPF-side headers only, and these
// signatures are libbpf 1.4's (see core/target/libbpf/include and libbpf's bpf.h).
struct bpf_map_create_opts { size_t sz; uint32_t btf_fd, btf_key_type_id, btf_value_type_id, btf_vmlinux_value_type_id,
    inner_map_fd, map_flags; uint64_t map_extra; uint32_t numa_node, map_ifindex; int32_t value_type_btf_obj_fd;
    uint32_t token_fd; };
int bpf_map_create(int type, const char *name, uint32_t key_size, uint32_t value_size, uint32_t max_entries,
                   const struct bpf_map_create_opts *opts);
int bpf_map_lookup_elem(int fd, const void *key, void *value);
int bpf_map_update_elem(int fd, const void *key, const void *value, uint64_t flags);
struct bpf_map_batch_opts { size_t sz; uint64_t elem_flags, flags; };
int bpf_map_update_batch(int fd, const void *keys, const void *values, uint32_t *count, const struct bpf_map_batch_opts *opts);
int bpf_map_lookup_batch(int fd, void *in_batch, void *out_batch, void *keys, void *values, uint32_t *count,
                         const struct bpf_map_batch_opts *opts);

#define HASH 1
#define ARRAY 2
#define RUNS 9
#define OPS 200000

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static volatile uint64_t sink;

__attribute__((unused)) static void report(const char *op, double *runs) {
    double sorted[RUNS];
    memcpy(sorted, runs, sizeof(sorted));
    qsort(sorted, RUNS, sizeof(double), cmp);
    printf("{\"op\": \"%s\", \"ns_per_op_median\": %.2f, \"runs\": [", op, sorted[RUNS / 2]);
    for (int i = 0; i < RUNS; i++) printf("%s%.2f", i ? ", " : "", runs[i]);
    printf("]}\n");
    fflush(stdout);
}

// Loop entry points for PairedBenchmark, which calls them through FFM so C and Java run alternately in the same
// process and time window (the machine's noise then hits both sides alike). Each returns ns per operation.
double c_hash_lookup_loop(int fd, uint32_t ops, uint32_t mask) {
    uint64_t v = 0;
    double t0 = now_ns();
    for (uint32_t i = 0; i < ops; i++) {
        uint32_t k = i & mask;
        bpf_map_lookup_elem(fd, &k, &v);
        sink += v;
    }
    return (now_ns() - t0) / ops;
}

double c_hash_update_loop(int fd, uint32_t ops, uint32_t mask) {
    double t0 = now_ns();
    for (uint32_t i = 0; i < ops; i++) {
        uint32_t k = i & mask;
        uint64_t v = i;
        bpf_map_update_elem(fd, &k, &v, 0);
    }
    return (now_ns() - t0) / ops;
}

#ifndef MAP_BENCH_LIB
int main(void) {
    struct bpf_map_create_opts opts = { .sz = sizeof(opts) };
    int hash = bpf_map_create(HASH, "c_hash", 4, 8, 1024, &opts);
    struct bpf_map_create_opts mopts = { .sz = sizeof(mopts), .map_flags = 1 << 10 /* MMAPABLE */ };
    int array = bpf_map_create(ARRAY, "c_array", 4, 8, 256, &mopts);
    if (hash < 0 || array < 0) {
        fprintf(stderr, "map create failed: %d %d\n", hash, array);
        return 1;
    }
    for (uint32_t k = 0; k < 1024; k++) {
        uint64_t v = k;
        bpf_map_update_elem(hash, &k, &v, 0);
    }
    uint64_t *mem = mmap(NULL, 256 * 8, PROT_READ | PROT_WRITE, MAP_SHARED, array, 0);
    if (mem == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    double runs[RUNS];
    uint64_t v = 0;

    for (int r = 0; r < RUNS; r++) {
        double t0 = now_ns();
        for (uint32_t i = 0; i < OPS; i++) {
            uint32_t k = i & 1023;
            bpf_map_lookup_elem(hash, &k, &v);
            sink += v;
        }
        runs[r] = (now_ns() - t0) / OPS;
    }
    report("hash_lookup", runs);

    for (int r = 0; r < RUNS; r++) {
        double t0 = now_ns();
        for (uint32_t i = 0; i < OPS; i++) {
            uint32_t k = i & 1023;
            uint64_t nv = i;
            bpf_map_update_elem(hash, &k, &nv, 0);
        }
        runs[r] = (now_ns() - t0) / OPS;
    }
    report("hash_update", runs);

    for (int r = 0; r < RUNS; r++) {
        double t0 = now_ns();
        for (uint32_t i = 0; i < OPS; i++) {
            uint32_t k = i & 255;
            bpf_map_lookup_elem(array, &k, &v);
            sink += v;
        }
        runs[r] = (now_ns() - t0) / OPS;
    }
    report("array_lookup", runs);

    for (int r = 0; r < RUNS; r++) {
        double t0 = now_ns();
        for (uint32_t i = 0; i < OPS * 50; i++) sink += ((volatile uint64_t *) mem)[i & 255];
        runs[r] = (now_ns() - t0) / (OPS * 50.0);
    }
    report("array_mmap_read", runs);
    // Batch update of 256 elements and batch lookup of all 1024, per element, as MapBenchmark does them.
    uint32_t keys[1024];
    uint64_t vals[1024];
    for (uint32_t k = 0; k < 1024; k++) { keys[k] = k; vals[k] = k; }
    struct bpf_map_batch_opts bopts = { .sz = sizeof(bopts) };
    for (int r = 0; r < RUNS; r++) {
        double t0 = now_ns();
        for (int i = 0; i < OPS / 256; i++) {
            uint32_t count = 256;
            bpf_map_update_batch(hash, keys, vals, &count, &bopts);
        }
        runs[r] = (now_ns() - t0) / ((OPS / 256) * 256.0);
    }
    report("hash_update_batch256_per_element", runs);

    for (int r = 0; r < RUNS; r++) {
        double t0 = now_ns();
        long total = 0;
        for (int i = 0; i < OPS / 1024; i++) {
            uint64_t in = 0, out = 0;
            void *inp = NULL;
            while (1) {
                uint32_t count = 256;
                int err = bpf_map_lookup_batch(hash, inp, &out, keys, vals, &count, &bopts);
                total += count;
                if (err) break;
                in = out;
                inp = &in;
            }
        }
        runs[r] = (now_ns() - t0) / (double) total;
    }
    report("hash_lookup_batch_per_element", runs);
    return 0;
}
#endif
