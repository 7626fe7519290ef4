/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * SCTP (RFC 9260) for the per-packet NodePort path: an incremental update of the common header's CRC32c when a
 * port changes. The checksum covers the SCTP packet alone, with no pseudo-header, so an address rewrite leaves it
 * valid; only the ports (bytes 0-3 of the common header) need it changed.
 *
 * CRC32c is linear over GF(2): for two packets of equal length L that differ only in bytes 0-3, the checksums differ
 * by the raw CRC (zero initial value, no final inversion) of the difference, which is those 4 XORed bytes followed by
 * L - 4 zero bytes. The raw CRC of the 4 bytes is 32 register shifts; each trailing zero byte multiplies the register
 * by x^8 modulo the Castagnoli polynomial, so the L - 4 of them multiply it by x^(8 * (L - 4)), the product of the
 * lb_sctp_x8_pow2 entries for the bits set in L - 4 (a 16-bit number, as is any IPv4 or IPv6 payload length; jumbograms
 * are not parsed). Polynomials are in the reflected representation the checksum uses: bit 31 holds x^0, bit 0 x^31.
 *
 * The checksum is stored least significant byte first (the byte order the CRC is computed in); BPF targets here
 * are little-endian, so a 32-bit load of the field is the CRC's value, and a load of bytes 0-3 is the register
 * contents those bytes would produce.
 */
#ifndef EBPF4J_LB_SCTP_H
#define EBPF4J_LB_SCTP_H

#include "lb_common.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "lb_sctp.h reads the CRC32c field and the port bytes as little-endian words"
#endif

#define LB_IPPROTO_SCTP 132
#define LB_SCTP_CSUM_OFF 8 /* in the common header: source port, destination port, verification tag, checksum */
#define LB_CRC32C_POLY 0x82f63b78 /* Castagnoli, reflected */
#define LB_SCTP_DST 1 /* lb_sctp_csum_replace: the destination port changes (else the source port) */
#define LB_SCTP_IP6 2 /* lb_sctp_csum_replace: an IPv6 packet (else IPv4) */

/*
 * x^(8 * 2^k) mod P for k = 0..15, reflected; computed by squaring x^8 (the multiplication below) and checked by
 * SctpChecksumIT against java.util.zip.CRC32C over packet lengths that set bits 0-11 of L - 4.
 */
static const __u32 lb_sctp_x8_pow2[16] = {
	0x00800000, 0x00008000, 0x82f63b78, 0x6ea2d55c, 0x18b8ea18, 0x510ac59a, 0xb82be955, 0xb8fdb1e7,
	0x88e56f72, 0x74c360a4, 0xe4172b16, 0x0d65762a, 0x35d73a62, 0x28461564, 0xbf455269, 0xe2ea32dc,
};

/*
 * Bit i of v as 0 or 1, in a register clang cannot prove boolean. Selections below multiply by it instead of masking
 * with -(bit) (clang's usual form of "bit ? x : 0"): the verifier of 6.18 forks its state on an AND with a scalar in
 * [-1, 0], once per bit, and a CRC of 32 steps then has 2^32 paths (lb_nodeport_ingress went past its 1M-instruction
 * limit). A multiplication by [0, 1] only widens the value's range.
 */
static __always_inline __u32 lb_crc_bit(__u32 v, int i)
{
	__u64 b = (v >> i) & 1;

	asm volatile("" : "+r"(b));
	return (__u32)b;
}

/* One register shift: multiply by x mod P. */
static __always_inline __u32 lb_crc32c_step(__u32 r)
{
	return (r >> 1) ^ (LB_CRC32C_POLY * lb_crc_bit(r, 0));
}

/* a * b mod P. A global function, so the verifier checks it once, not at each of lb_sctp_shift's 16 calls. */
__noinline __u32 lb_crc32c_mul(__u32 a, __u32 b)
{
	__u32 p = 0;

	/* Unrolled: before 6.3 the verifier refuses a loop whose back-edge is a fall-through (seen on 5.10 and 6.1). */
#pragma unroll
	for (int i = 0; i < 32; i++) {
		p ^= b * lb_crc_bit(a, 31 - i);
		b = lb_crc32c_step(b);
	}
	return p;
}

/*
 * r * x^(8 * n) mod P: the register r followed by n zero bytes. Every factor is multiplied and then kept or dropped
 * by a 0/1 factor: a branch per bit of n would give the verifier 2^16 paths to walk, with registers too different to
 * prune.
 */
static __always_inline __u32 lb_sctp_shift(__u32 r, __u32 n)
{
#pragma unroll
	for (int k = 0; k < 16; k++)
		r ^= (lb_crc32c_mul(r, lb_sctp_x8_pow2[k]) ^ r) * lb_crc_bit(n, k);
	return r;
}

/*
 * Updates the CRC32c of the SCTP packet at l4_off for one port changing from old_port to new_port: the destination
 * port (how has LB_SCTP_DST) or the source port. The packet's length comes from its IP header, right after the
 * Ethernet header: the IPv6 payload length (LB_SCTP_IP6; the SCTP header follows the fixed header, as the parser
 * refuses extension headers)
 * or the IPv4 total length less the header. Call it before or after storing the port: it reads only the checksum and
 * that length. Global, verified once (the ports are 16-bit values in network order): it runs at several rewrite call
 * sites of each program.
 */
__noinline int lb_sctp_csum_replace(struct __sk_buff *skb, __u32 l4_off, __u32 how, __u32 old_port, __u32 new_port)
{
	__u32 ip_off = ETH_HLEN, crc, delta, len, r, ihl = l4_off - ip_off, ip6 = how & LB_SCTP_IP6;
	__be16 tot_len;

	if (old_port == new_port)
		return 0;
	if (bpf_skb_load_bytes(skb, ip_off + (ip6 ? 4 : 2), &tot_len, sizeof(tot_len))
	    || bpf_skb_load_bytes(skb, l4_off + LB_SCTP_CSUM_OFF, &crc, sizeof(crc)))
		return 0;
	/*
	 * A zero field is a checksum still to be computed (CHECKSUM_PARTIAL: an SCTP packet of a local socket on a device
	 * with SCTP CRC offload, veth among them); whoever computes it sees the new port. A real CRC32c of 0 is a 2^-32
	 * event, and for one it leaves a packet the receiver drops.
	 */
	if (crc == 0)
		return 0;
	len = bpf_ntohs(tot_len);
	if (!ip6) {
		if (len < ihl)
			return 0;
		len -= ihl; /* the SCTP packet: the datagram is whole (parse_pkt refuses SCTP fragments) */
	}
	if (len < 12)
		return 0;
	delta = (__u32)(__u16)(old_port ^ new_port) << (how & LB_SCTP_DST ? 16 : 0);
	r = delta;
#pragma unroll
	for (int i = 0; i < 32; i++)
		r = lb_crc32c_step(r);
	crc ^= lb_sctp_shift(r, (len - 4) & 0xffff);
	bpf_skb_store_bytes(skb, l4_off + LB_SCTP_CSUM_OFF, &crc, sizeof(crc), 0);
	return 0;
}

#endif
