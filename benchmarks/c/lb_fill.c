// C baseline for the LB full sync: creates maps with the same definitions as the interim socket LB's maps
// (svc: HASH u64->u64, 65536; backend: HASH u32->u64, 262144) and fills SERVICES services x ENDPOINTS backends with
// bpf_map_update_batch, ROUNDS times on fresh maps. Prints one line per round: fill_ms
//   lb_fill SERVICES ENDPOINTS ROUNDS
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s SERVICES ENDPOINTS ROUNDS\n", argv[0]); return 2; }
    int services = atoi(argv[1]), endpoints = atoi(argv[2]), rounds = atoi(argv[3]);
    int nb = services * endpoints;
    uint64_t *skeys = malloc(8ul * services), *svals = malloc(8ul * services), *bvals = malloc(8ul * nb);
    uint32_t *bkeys = malloc(4ul * nb);
    LIBBPF_OPTS(bpf_map_batch_opts, opts);
    for (int r = 0; r < rounds; r++) {
        int svc = bpf_map_create(BPF_MAP_TYPE_HASH, "svc", 8, 8, 65536, NULL);
        int backend = bpf_map_create(BPF_MAP_TYPE_HASH, "backend", 4, 8, 262144, NULL);
        if (svc < 0 || backend < 0) { fprintf(stderr, "map create: %d %d\n", svc, backend); return 1; }
        double t0 = now_ms();
        // Same encoding as the Java side: VIP 10.96.0.0 + i (network order as the kernel stores user_ip4), port 80.
        for (int i = 0; i < services; i++) {
            uint32_t vip = htonl(0x0a600000u + i);
            skeys[i] = (uint64_t)vip | ((uint64_t)htons(80) << 32);
            svals[i] = (uint64_t)endpoints | ((uint64_t)(i * endpoints) << 32);
            for (int e = 0; e < endpoints; e++) {
                int slot = i * endpoints + e;
                bkeys[slot] = slot;
                bvals[slot] = (uint64_t)htonl(0x0af40000u + slot) | ((uint64_t)htons(8080) << 32);
            }
        }
        // Backends before the services that point at them, as a control plane must order them.
        for (int off = 0; off < nb; off += 4096) {
            uint32_t n = nb - off < 4096 ? nb - off : 4096;
            if (bpf_map_update_batch(backend, bkeys + off, bvals + off, &n, &opts)) { perror("batch"); return 1; }
        }
        for (int off = 0; off < services; off += 4096) {
            uint32_t n = services - off < 4096 ? services - off : 4096;
            if (bpf_map_update_batch(svc, skeys + off, svals + off, &n, &opts)) { perror("batch"); return 1; }
        }
        printf("%.3f\n", now_ms() - t0);
        close(svc);
        close(backend);
    }
    return 0;
}
