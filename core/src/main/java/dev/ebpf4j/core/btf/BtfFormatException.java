package dev.ebpf4j.core.btf;

/** BTF bytes that are not valid BTF: bad magic, truncated sections, or offsets out of range. */
public final class BtfFormatException extends IllegalArgumentException {
    public BtfFormatException(String message) {
        super(message);
    }
}
