// cgroup sock_addr hooks beyond connect4: a socket-LB style service address 10.99.99.99:53 backed by 127.0.0.1:backend_port.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

volatile const __u32 service_ip = 0;      /* network order */
volatile const __u32 backend_ip = 0;      /* network order */
volatile const __u16 service_port = 53;   /* host order */
volatile const __u16 backend_port = 0;    /* host order */
volatile const __u16 bind_from = 0, bind_to = 0;
volatile const __u32 service6_last = 0;   /* last 32 bits of fd00::99, network order */
volatile const __u16 sockname_port = 0;   /* host order: sockets bound to loopback on it report the service address */

SEC("cgroup/sendmsg4")
int svc_sendmsg4(struct bpf_sock_addr *ctx)
{
    if (ctx->user_ip4 == service_ip && ctx->user_port == bpf_htons(service_port)) {
        ctx->user_ip4 = backend_ip;
        ctx->user_port = bpf_htons(backend_port);
    }
    return 1;
}

SEC("cgroup/connect4")
int svc_connect4(struct bpf_sock_addr *ctx)
{
    if (ctx->user_ip4 == service_ip && ctx->user_port == bpf_htons(service_port)) {
        ctx->user_ip4 = backend_ip;
        ctx->user_port = bpf_htons(backend_port);
    }
    return 1;
}

/* Replies from the backend look like they come from the service address. */
SEC("cgroup/recvmsg4")
int svc_recvmsg4(struct bpf_sock_addr *ctx)
{
    if (ctx->user_ip4 == backend_ip && ctx->user_port == bpf_htons(backend_port)) {
        ctx->user_ip4 = service_ip;
        ctx->user_port = bpf_htons(service_port);
    }
    return 1;
}

SEC("cgroup/getpeername4")
int svc_getpeername4(struct bpf_sock_addr *ctx)
{
    if (ctx->user_ip4 == backend_ip && ctx->user_port == bpf_htons(backend_port)) {
        ctx->user_ip4 = service_ip;
        ctx->user_port = bpf_htons(service_port);
    }
    return 1;
}

SEC("cgroup/bind4")
int svc_bind4(struct bpf_sock_addr *ctx)
{
    if (ctx->user_port == bpf_htons(bind_from))
        ctx->user_port = bpf_htons(bind_to);
    return 1;
}

SEC("cgroup/bind6")
int svc_bind6(struct bpf_sock_addr *ctx)
{
    if (ctx->user_port == bpf_htons(bind_from))
        ctx->user_port = bpf_htons(bind_to);
    return 1;
}

/* The kernel's getpeername of a connected IPv6 socket: [::1]:backend_port shows as [fd00::99]:service_port. */
SEC("cgroup/getpeername6")
int svc_getpeername6(struct bpf_sock_addr *ctx)
{
    if (ctx->user_ip6[0] == 0 && ctx->user_ip6[1] == 0 && ctx->user_ip6[2] == 0 && ctx->user_ip6[3] == bpf_htonl(1)
            && ctx->user_port == bpf_htons(backend_port)) {
        ctx->user_ip6[0] = bpf_htonl(0xfd000000);
        ctx->user_ip6[3] = service6_last;
        ctx->user_port = bpf_htons(service_port);
    }
    return 1;
}

/* [fd00::99]:service_port -> [::1]:backend_port */
SEC("cgroup/connect6")
int svc_connect6(struct bpf_sock_addr *ctx)
{
    if (ctx->user_ip6[0] == bpf_htonl(0xfd000000) && ctx->user_ip6[3] == service6_last
            && ctx->user_port == bpf_htons(service_port)) {
        ctx->user_ip6[0] = 0;
        ctx->user_ip6[1] = 0;
        ctx->user_ip6[2] = 0;
        ctx->user_ip6[3] = bpf_htonl(1);
        ctx->user_port = bpf_htons(backend_port);
    }
    return 1;
}

/* getsockname of a socket bound to 127.0.0.1:sockname_port reports service_ip instead (the address it is known by). */
SEC("cgroup/getsockname4")
int svc_getsockname4(struct bpf_sock_addr *ctx)
{
    if (ctx->user_ip4 == backend_ip && ctx->user_port == bpf_htons(sockname_port))
        ctx->user_ip4 = service_ip;
    return 1;
}

/* The same for [::1]:sockname_port, reported as [fd00::99]. */
SEC("cgroup/getsockname6")
int svc_getsockname6(struct bpf_sock_addr *ctx)
{
    if (ctx->user_ip6[0] == 0 && ctx->user_ip6[1] == 0 && ctx->user_ip6[2] == 0 && ctx->user_ip6[3] == bpf_htonl(1)
            && ctx->user_port == bpf_htons(sockname_port)) {
        ctx->user_ip6[0] = bpf_htonl(0xfd000000);
        ctx->user_ip6[3] = service6_last;
    }
    return 1;
}

char LICENSE[] SEC("license") = "GPL";
