// UDP flood for the policy benchmark. Sender: sends 18-byte payload datagrams to IP:PORT as fast as it can for
// SECONDS. Receiver: counts datagrams for SECONDS after the first one and prints packets/s.
//   udp_flood send IP PORT SECONDS | udp_flood recv PORT SECONDS
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc >= 5 && !strcmp(argv[1], "send")) {
        int s = socket(AF_INET, SOCK_DGRAM, 0);
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[3])) };
        inet_pton(AF_INET, argv[2], &a.sin_addr);
        if (connect(s, (struct sockaddr *)&a, sizeof a)) { perror("connect"); return 1; }
        char payload[18] = "ebpf4j-bench";
        double end = now() + atof(argv[4]);
        long sent = 0;
        while (now() < end)
            for (int i = 0; i < 256; i++) sent += send(s, payload, sizeof payload, MSG_DONTWAIT) > 0;
        printf("%ld\n", sent);
        return 0;
    }
    if (argc >= 4 && !strcmp(argv[1], "recv")) {
        int s = socket(AF_INET, SOCK_DGRAM, 0), big = 8 << 20;
        setsockopt(s, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
        if (bind(s, (struct sockaddr *)&a, sizeof a)) { perror("bind"); return 1; }
        struct timeval tv = { .tv_sec = 5 };
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        printf("ready\n");
        fflush(stdout);
        char buf[64];
        if (recv(s, buf, sizeof buf, 0) < 0) { printf("0\n"); return 1; }
        double start = now(), end = start + atof(argv[3]);
        long got = 0;
        tv.tv_sec = 0;
        tv.tv_usec = 200000;
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        while (now() < end)
            if (recv(s, buf, sizeof buf, 0) > 0) got++;
        printf("%.0f\n", got / (now() - start));
        return 0;
    }
    fprintf(stderr, "usage: %s send IP PORT SECONDS | recv PORT SECONDS\n", argv[0]);
    return 2;
}
