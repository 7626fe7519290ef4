package dev.ebpf4j.maps;

/** How a put treats an existing key ({@code BPF_ANY}, {@code BPF_NOEXIST}, {@code BPF_EXIST}). */
public enum PutMode {
    /** Create or replace. */
    ANY(0),
    /** Create only; an existing key is a {@link dev.ebpf4j.core.KeyExistsException}. */
    NO_EXIST(1),
    /** Replace only; a missing key is a {@link dev.ebpf4j.core.KeyNotFoundException}. */
    EXIST(2);

    private final int flag;

    PutMode(int flag) {
        this.flag = flag;
    }

    /** The kernel's flag value. */
    public int flag() {
        return flag;
    }
}
