package dev.ebpf4j.k8s.observe;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.maps.BpfHashMap;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.maps.codec.Length;
import dev.ebpf4j.maps.codec.NetworkOrder;
import dev.ebpf4j.maps.codec.Unsigned;
import dev.ebpf4j.testkit.NetNamespace;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes Service entries into the LB object's maps as the structs of lb_common.h, and policy map entries as raw
 * bytes, so that the flow tests do not depend on the LB and policy control planes.
 */
final class DatapathEntries {
    private DatapathEntries() {}

    /** struct lb_svc_key. */
    record SvcKey(@Length(16) byte[] addr, @NetworkOrder @Unsigned(bits = 16) int port, @Unsigned(bits = 8) int proto,
                  @Unsigned(bits = 8) int family) {}

    /** struct lb_svc. */
    record Svc(int id, int rev, int count, int maglevSize, int affinityTimeout, int flags) {}

    /** struct lb_slot_key. */
    record SlotKey(int svcId, int rev, int index) {}

    /** struct lb_backend. */
    record BackendValue(@Length(16) byte[] addr, @NetworkOrder @Unsigned(bits = 16) int port, @Unsigned(bits = 8) int proto,
                        @Unsigned(bits = 8) int family, @Unsigned(bits = 8) int state, @Length(3) byte[] pad) {}

    /** lb_services, lb_slots, lb_backends entries for vip:port -> backend (count 0: no endpoints). */
    static void addService(BpfObject obj, String vip, int port, int id, int count, String backend, int backendPort)
            throws Exception {
        // Backend and slot before the service entry that names them, as the control plane orders its writes.
        if (count > 0) {
            try (var backends = BpfHashMap.of(obj.map("lb_backends"), Codec.s32(), Codec.of(BackendValue.class));
                 var slots = BpfHashMap.of(obj.map("lb_slots"), Codec.of(SlotKey.class), Codec.s32())) {
                backends.put(id * 100, new BackendValue(addr16(backend), backendPort, 6, family(backend), 0, new byte[3]));
                slots.put(new SlotKey(id, 1, 0), id * 100);
            }
        }
        try (var services = BpfHashMap.of(obj.map("lb_services"), Codec.of(SvcKey.class), Codec.of(Svc.class))) {
            services.put(new SvcKey(addr16(vip), port, 6, family(vip)), new Svc(id, 1, count, 0, 0, 0));
        }
    }

    static byte[] addr16(String ip) throws Exception {
        byte[] raw = InetAddress.getByName(ip).getAddress(), a = new byte[16];
        System.arraycopy(raw, 0, a, 0, raw.length);
        return a;
    }

    static int family(String ip) throws Exception {
        return InetAddress.getByName(ip).getAddress().length == 4 ? 2 : 10;
    }

    static byte[] mapped(String ip) throws Exception {
        byte[] a = new byte[16];
        a[10] = a[11] = (byte) 0xff;
        System.arraycopy(InetAddress.getByName(ip).getAddress(), 0, a, 12, 4);
        return a;
    }

    static byte[] le(int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.nativeOrder());
        for (int v : values) b.putInt(v);
        return b.array();
    }

    /** A TCP server on port 8080 of {@code address} in {@code ns} that answers every connection with 'k'. */
    static ServerSocket serve(NetNamespace ns, String address) {
        ServerSocket s = ns.call(() -> new ServerSocket(8080, 50, InetAddress.getByName(address)));
        Thread.ofPlatform().daemon().start(() -> {
            while (!s.isClosed()) {
                try (Socket c = s.accept()) {
                    c.getOutputStream().write('k');
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return s;
    }
}
