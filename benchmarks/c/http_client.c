// Sequential HTTP client for the LB benchmark: COUNT times socket + connect + one GET + read to EOF + close, timing
// each. Optionally moves itself into a cgroup v2 first (where the socket LB's connect4 program is attached).
//   http_client [random:]IP[,IP...] PORT COUNT [CGROUP_DIR]
// Several IPs: connections rotate over them, or pick one at random each time with the random: prefix (how an LB
// spreads them).
// Prints one line: p50_us p99_us conn_per_s errors
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: %s IP PORT COUNT [CGROUP_DIR]\n", argv[0]); return 2; }
    if (argc > 4) {
        char path[512];
        snprintf(path, sizeof path, "%s/cgroup.procs", argv[4]);
        int fd = open(path, O_WRONLY);
        if (fd < 0 || dprintf(fd, "%d\n", getpid()) < 0) { perror(path); return 1; }
        close(fd);
    }
    int count = atoi(argv[3]), errors = 0, ok = 0;
    struct sockaddr_in addrs[16];
    int naddrs = 0, random_pick = strncmp(argv[1], "random:", 7) == 0;
    for (char *ip = strtok(argv[1] + (random_pick ? 7 : 0), ","); ip && naddrs < 16; ip = strtok(NULL, ",")) {
        addrs[naddrs] = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
        if (inet_pton(AF_INET, ip, &addrs[naddrs].sin_addr) != 1) { fprintf(stderr, "bad address %s\n", ip); return 2; }
        naddrs++;
    }
    double *lat = calloc(count, sizeof *lat);
    static const char req[] = "GET / HTTP/1.0\r\nHost: bench\r\n\r\n";
    char buf[512];
    srand(getpid());
    double start = now_us();
    for (int i = 0; i < count; i++) {
        double t0 = now_us();
        int s = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in *a = &addrs[random_pick ? rand() % naddrs : i % naddrs];
        int good = connect(s, (struct sockaddr *)a, sizeof *a) == 0 && write(s, req, sizeof req - 1) == sizeof req - 1;
        ssize_t n, total = 0;
        while (good && (n = read(s, buf, sizeof buf)) > 0) total += n;
        close(s);
        if (!good || total < 12 || memcmp(buf, "HTTP/1.0 200", 12) != 0) { errors++; continue; }
        lat[ok++] = now_us() - t0;
    }
    double elapsed = now_us() - start;
    if (ok == 0) { printf("0 0 0 %d\n", errors); return 1; }
    qsort(lat, ok, sizeof *lat, cmp);
    printf("%.1f %.1f %.1f %d\n", lat[ok / 2], lat[(int)(ok * 0.99)], ok / (elapsed / 1e6), errors);
    return 0;
}
