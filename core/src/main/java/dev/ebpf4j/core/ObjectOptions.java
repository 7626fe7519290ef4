package dev.ebpf4j.core;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What must be decided when an object is opened, before its spec can be adjusted: the object's name, the
 * directory that {@code LIBBPF_PIN_BY_NAME} maps pin into, and a BTF file to use for CO-RE instead of
 * {@code /sys/kernel/btf/vmlinux} (for kernels built without it). Immutable.
 *
 * {@snippet :
 * var options = ObjectOptions.defaults().pinRoot(Path.of("/sys/fs/bpf/myapp"));
 * try (BpfObject obj = BpfObject.open(path, options).load()) { ... }
 * }
 */
public record ObjectOptions(Optional<String> objectName, Optional<Path> pinRoot, Optional<Path> kernelBtf) {

    public static ObjectOptions defaults() {
        return new ObjectOptions(Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The object's name (libbpf prefixes internal map names with it); by default taken from the file name. */
    public ObjectOptions objectName(String name) {
        return new ObjectOptions(Optional.of(name), pinRoot, kernelBtf);
    }

    /** The directory in bpffs where maps declared with {@code pinning = LIBBPF_PIN_BY_NAME} are pinned and reused. */
    public ObjectOptions pinRoot(Path directory) {
        return new ObjectOptions(objectName, Optional.of(directory), kernelBtf);
    }

    /** A BTF file for CO-RE relocations, for kernels without {@code /sys/kernel/btf/vmlinux}. */
    public ObjectOptions kernelBtf(Path btfFile) {
        return new ObjectOptions(objectName, pinRoot, Optional.of(btfFile));
    }
}
