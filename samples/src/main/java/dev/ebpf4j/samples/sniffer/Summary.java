package dev.ebpf4j.samples.sniffer;

import dev.ebpf4j.programs.packet.Packets;
import dev.ebpf4j.programs.packet.ParsedPacket;

/** One-line descriptions and classifications of parsed frames. */
final class Summary {
    private Summary() {}

    static String of(ParsedPacket p) {
        if (p.ip().isEmpty()) return "ethertype 0x%04x %s -> %s".formatted(p.etherType(), p.sourceMac(), p.destinationMac());
        ParsedPacket.Ip ip = p.ip().get();
        String from = ip.source().getHostAddress(), to = ip.destination().getHostAddress();
        if (p.l4().isEmpty()) return "IPv%d proto %d %s -> %s".formatted(ip.version(), ip.protocol(), from, to);
        ParsedPacket.Transport t = p.l4().get();
        return switch (t.protocol()) {
            case Packets.TCP -> "TCP %s:%d -> %s:%d [%s] len %d".formatted(from, t.sourcePort(), to, t.destinationPort(),
                    flags(t.flags()), p.payload().length);
            case Packets.UDP -> "UDP %s:%d -> %s:%d len %d%s".formatted(from, t.sourcePort(), to, t.destinationPort(),
                    p.payload().length, isDns(p) ? " DNS id 0x%04x".formatted(u16(p.payload())) : "");
            default -> "proto %d %s -> %s".formatted(t.protocol(), from, to);
        };
    }

    static boolean isSyn(ParsedPacket p) {
        return p.l4().filter(t -> t.protocol() == Packets.TCP
                && (t.flags() & (Packets.TCP_SYN | Packets.TCP_ACK)) == Packets.TCP_SYN).isPresent();
    }

    static boolean isDns(ParsedPacket p) {
        return p.l4().filter(t -> t.protocol() == Packets.UDP && (t.sourcePort() == 53 || t.destinationPort() == 53)).isPresent();
    }

    static boolean hasPort(ParsedPacket p, int port) {
        return !isSyn(p) && !isDns(p) && p.l4().filter(t -> (t.protocol() == Packets.TCP || t.protocol() == Packets.UDP)
                && (t.sourcePort() == port || t.destinationPort() == port)).isPresent();
    }

    private static String flags(int f) {
        StringBuilder b = new StringBuilder();
        String[] names = {"FIN", "SYN", "RST", "PSH", "ACK"};
        for (int i = 0; i < names.length; i++) if ((f & (1 << i)) != 0) b.append(b.isEmpty() ? "" : ",").append(names[i]);
        return b.toString();
    }

    private static int u16(byte[] b) {
        return b.length < 2 ? 0 : (b[0] & 0xFF) << 8 | (b[1] & 0xFF);
    }
}
