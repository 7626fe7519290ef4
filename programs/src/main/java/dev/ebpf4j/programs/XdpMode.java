package dev.ebpf4j.programs;

/** Where an XDP program runs ({@code XDP_FLAGS_*_MODE}). */
public enum XdpMode {
    /** Native when the driver supports it, else generic: the kernel's choice. */
    AUTO(0),
    /** Generic (skb) mode: works on every device, slowest. */
    GENERIC(1 << 1),
    /** Native (driver) mode. */
    NATIVE(1 << 2),
    /** Offloaded to the NIC. */
    OFFLOAD(1 << 3);

    private final int flag;

    XdpMode(int flag) {
        this.flag = flag;
    }

    /** The {@code XDP_FLAGS_*} bit. */
    public int flag() {
        return flag;
    }
}
