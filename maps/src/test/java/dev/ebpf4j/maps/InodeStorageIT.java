package dev.ebpf4j.maps;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * Inode storage by a file's fd: the map and its syscall side work wherever CONFIG_BPF_LSM is built in; the program
 * side needs BPF LSM enabled, probed by really loading and attaching an {@code lsm/file_open} program.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class InodeStorageIT {
    record Counter(long hits, long seed) {}

    /** What a kernel without usable BPF LSM answers a load or attach of an LSM program with. */
    private static final Set<Integer> NO_BPF_LSM = Set.of(Errno.EPERM, Errno.EINVAL, Errno.EOPNOTSUPP, 524 /* ENOTSUPP */);

    @TempDir
    static Path temp;
    static Path object;

    @BeforeAll
    static void compile() throws Exception {
        object = Files.createTempDirectory(temp, "obj").resolve("inode_storage_test.bpf.o");
        BpfBuilder.create().compile(Path.of("src/test/bpf/inode_storage_test.bpf.c").toAbsolutePath(), object);
    }

    @Test
    void javaStoresReadsAndRemovesAValueOnAFileByItsFd() throws Exception {
        Path file = Files.writeString(temp.resolve("a"), "x"), other = Files.writeString(temp.resolve("b"), "y");
        // region inode-storage
        try (BpfObject obj = BpfObject.open(object).autoload("on_open", false).load();
             InodeStorageMap<Counter> storage = InodeStorageMap.of(obj.map("inode_stg"), Codec.of(Counter.class))) {
            int fd = StorageSys.open(file, StorageSys.O_RDONLY), again = StorageSys.open(file, StorageSys.O_RDONLY),
                    otherFd = StorageSys.open(other, StorageSys.O_RDONLY);
            try {
                assertEquals(Optional.empty(), storage.get(fd));
                storage.put(fd, new Counter(1, 42));
                assertEquals(Optional.of(new Counter(1, 42)), storage.get(again), "storage is per inode, not per fd");
                assertEquals(Optional.empty(), storage.get(otherFd), "another file has none");
                assertTrue(storage.remove(again));
                assertEquals(Optional.empty(), storage.get(fd));
            } finally {
                StorageSys.close(fd);
                StorageSys.close(again);
                StorageSys.close(otherFd);
            }
        }
        // endregion
    }

    @Test
    void anLsmProgramCountsFileOpensIntoTheFilesStorage() throws Exception {
        Path file = Files.writeString(temp.resolve("c"), "z");
        BpfObject obj;
        try {
            obj = BpfObject.open(object).load();
        } catch (BpfException e) {
            if (!NO_BPF_LSM.contains(e.errno())) throw e;
            abort("BPF LSM (CONFIG_BPF_LSM / lsm=bpf) not usable: loading an lsm/file_open program failed: " + e.getMessage());
            return;
        }
        try (obj; InodeStorageMap<Counter> storage = InodeStorageMap.of(obj.map("inode_stg"), Codec.of(Counter.class));
             Variable<Integer> targetTid = Variable.of(obj, "target_tid", int.class)) {
            int link;
            try {
                link = StorageSys.attachTracing(obj.program("on_open"));
            } catch (BpfException e) {
                if (!NO_BPF_LSM.contains(e.errno())) throw e;
                abort("BPF LSM (CONFIG_BPF_LSM / lsm=bpf) not usable: attaching an lsm/file_open program failed: " + e.getMessage());
                return;
            }
            try {
                int fd = StorageSys.open(file, StorageSys.O_RDONLY);
                try {
                    storage.put(fd, new Counter(0, 9));
                    targetTid.set(StorageSys.gettid());
                    for (int i = 0; i < 3; i++) StorageSys.close(StorageSys.open(file, StorageSys.O_RDONLY));
                    targetTid.set(0);
                    assertEquals(Optional.of(new Counter(3, 9)), storage.get(fd), "3 opens of the file counted");
                } finally {
                    StorageSys.close(fd);
                }
            } finally {
                StorageSys.close(link);
            }
        }
    }
}
