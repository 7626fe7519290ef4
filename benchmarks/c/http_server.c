// Minimal HTTP/1.0 server for the LB benchmark: one thread, one connection at a time (the client is sequential),
// answers any request with a fixed 200 and closes first, so TIME_WAIT stays on the server side.
//   http_server BIND_IP PORT
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s BIND_IP PORT\n", argv[0]); return 2; }
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
    inet_pton(AF_INET, argv[1], &a.sin_addr);
    if (bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 4096)) { perror("bind/listen"); return 1; }
    static const char resp[] = "HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    char buf[4096];
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0) continue;
        size_t got = 0;
        for (;;) {
            ssize_t n = read(c, buf + got, sizeof buf - 1 - got);
            if (n <= 0) break;
            got += n;
            buf[got] = 0;
            if (strstr(buf, "\r\n\r\n") || got == sizeof buf - 1) break;
        }
        if (write(c, resp, sizeof resp - 1) < 0) { /* client gone: nothing to do */ }
        close(c);
    }
}
