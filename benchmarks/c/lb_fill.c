// C baseline for the LB full sync: creates maps with the definitions of the k8s-lb datapath's maps
// (bpf-src lb_common.h: lb_backends, lb_slots, lb_services; HASH, BPF_F_NO_PREALLOC, same sizes) and fills
// SERVICES ClusterIP services x ENDPOINTS backends with bpf_map_update_batch, in the control plane's order
// (backends, then slot tables, then services), ROUNDS times on fresh maps. Prints one line per round: fill_ms
//   lb_fill SERVICES ENDPOINTS ROUNDS [prealloc]
// With "prealloc" the maps are created without BPF_F_NO_PREALLOC, as LbConfig.withPreallocatedMaps(true) does.
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct lb_addr { uint32_t w[4]; };
struct lb_svc_key { struct lb_addr addr; uint16_t port; uint8_t proto, family; };
struct lb_svc { uint32_t id, rev, count, maglev_size, affinity_timeout, flags; };
struct lb_slot_key { uint32_t svc_id, rev, index; };
struct lb_backend { struct lb_addr addr; uint16_t port; uint8_t proto, family, state, pad[3]; };

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int fill(int fd, void *keys, size_t ksz, void *vals, size_t vsz, int n) {
    LIBBPF_OPTS(bpf_map_batch_opts, opts);
    for (int off = 0; off < n; off += 4096) {
        uint32_t c = n - off < 4096 ? n - off : 4096;
        if (bpf_map_update_batch(fd, (char *)keys + off * ksz, (char *)vals + off * vsz, &c, &opts)) return -1;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 4 && !(argc == 5 && strcmp(argv[4], "prealloc") == 0)) {
        fprintf(stderr, "usage: %s SERVICES ENDPOINTS ROUNDS [prealloc]\n", argv[0]);
        return 2;
    }
    int services = atoi(argv[1]), endpoints = atoi(argv[2]), rounds = atoi(argv[3]);
    int nb = services * endpoints;
    struct lb_svc_key *sk = malloc(sizeof *sk * services);
    struct lb_svc *sv = malloc(sizeof *sv * services);
    struct lb_slot_key *tk = malloc(sizeof *tk * nb);
    uint32_t *tv = malloc(4ul * nb), *bk = malloc(4ul * nb);
    struct lb_backend *bv = malloc(sizeof *bv * nb);
    LIBBPF_OPTS(bpf_map_create_opts, co, .map_flags = argc == 5 ? 0 : BPF_F_NO_PREALLOC);
    for (int r = 0; r < rounds; r++) {
        int svc = bpf_map_create(BPF_MAP_TYPE_HASH, "lb_services", sizeof *sk, sizeof *sv, 65536, &co);
        int slots = bpf_map_create(BPF_MAP_TYPE_HASH, "lb_slots", sizeof *tk, 4, 262144, &co);
        int backends = bpf_map_create(BPF_MAP_TYPE_HASH, "lb_backends", 4, sizeof *bv, 262144, &co);
        if (svc < 0 || slots < 0 || backends < 0) { fprintf(stderr, "map create failed\n"); return 1; }
        double t0 = now_ms();
        memset(sk, 0, sizeof *sk * services);
        memset(bv, 0, sizeof *bv * nb);
        for (int i = 0; i < services; i++) {
            sk[i].addr.w[0] = htonl(0x0a600000u + i);
            sk[i].port = htons(80);
            sk[i].proto = 6;
            sk[i].family = 2;
            sv[i] = (struct lb_svc){ .id = i + 1, .rev = 1, .count = endpoints };
            for (int e = 0; e < endpoints; e++) {
                int b = i * endpoints + e;
                bk[b] = b + 1;
                bv[b].addr.w[0] = htonl(0x0af40000u + b);
                bv[b].port = htons(8080);
                bv[b].proto = 6;
                bv[b].family = 2;
                tk[b] = (struct lb_slot_key){ .svc_id = i + 1, .rev = 1, .index = e };
                tv[b] = b + 1;
            }
        }
        if (fill(backends, bk, 4, bv, sizeof *bv, nb) || fill(slots, tk, sizeof *tk, tv, 4, nb)
                || fill(svc, sk, sizeof *sk, sv, sizeof *sv, services)) { perror("batch update"); return 1; }
        printf("%.3f\n", now_ms() - t0);
        close(svc);
        close(slots);
        close(backends);
    }
    return 0;
}
