package dev.ebpf4j.maps;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.Errno;
import dev.ebpf4j.core.build.BpfBuilder;
import dev.ebpf4j.maps.codec.Codec;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.NetNamespace;
import dev.ebpf4j.testkit.TestCgroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Socket, task and cgroup local storage written by tp_btf programs on real kernel events (a TCP connect, getppid
 * syscalls) and read, seeded and removed by Java through the fd of the socket, a thread pidfd and a cgroup directory.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class LocalStorageIT {
    record SkVal(int transitions, int lastState, long seed) {}

    record Counter(long hits, long seed) {}

    static final int TCP_SYN_SENT = 2, TCP_CLOSE = 7;

    @TempDir
    static Path temp;
    static BpfObject obj;
    static Variable<Integer> targetTid;
    static Variable<Long> triggerNr;
    static int onState, onEnter;

    @BeforeAll
    static void load() throws Exception {
        Path out = Files.createTempDirectory(temp, "obj").resolve("storage_test.bpf.o");
        BpfBuilder.create().compile(Path.of("src/test/bpf/storage_test.bpf.c").toAbsolutePath(), out);
        obj = BpfObject.open(out).load();
        targetTid = Variable.of(obj, "target_tid", int.class);
        triggerNr = Variable.of(obj, "trigger_nr", long.class);
        triggerNr.set(StorageSys.SYS_GETPPID);
        onState = StorageSys.attachTracing(obj.program("on_state"));
        onEnter = StorageSys.attachTracing(obj.program("on_enter"));
    }

    @AfterAll
    static void close() {
        if (onState > 0) StorageSys.close(onState);
        if (onEnter > 0) StorageSys.close(onEnter);
        if (targetTid != null) targetTid.close();
        if (triggerNr != null) triggerNr.close();
        if (obj != null) obj.close();
    }

    @Test
    void socketStorageSeededByJavaIsCountedByTheProgramOnTcpStateChangesAndReadByTheSocketFd() {
        // region sk-storage
        try (NetNamespace ns = NetNamespace.create("e4j-skstg");
             SkStorageMap<SkVal> storage = SkStorageMap.of(obj.map("sk_stg"), Codec.of(SkVal.class))) {
            ns.run(() -> {
                int fd = StorageSys.socketTcp4();
                try {
                    assertEquals(Optional.empty(), storage.get(fd), "a new socket has no storage");
                    storage.put(fd, new SkVal(0, 0, 77));
                    assertEquals(Errno.ECONNREFUSED, StorageSys.connectLoopback(fd, 9), "nothing listens on port 9");
                    SkVal v = storage.get(fd).orElseThrow();
                    assertEquals(new SkVal(2, TCP_CLOSE, 77), v, "CLOSE->SYN_SENT->CLOSE counted, the seed kept");
                    assertThrows(dev.ebpf4j.core.KeyExistsException.class, () -> storage.put(fd, v, PutMode.NO_EXIST));
                    assertTrue(storage.remove(fd));
                    assertEquals(Optional.empty(), storage.get(fd));
                    assertFalse(storage.remove(fd));
                } finally {
                    StorageSys.close(fd);
                }
            });
        }
        // endregion
    }

    @Test
    void taskStorageWrittenOnThisThreadsSyscallsIsReadByItsPidfd() {
        // region task-storage
        try (TaskStorageMap<Counter> storage = TaskStorageMap.of(obj.map("task_stg"), Codec.of(Counter.class))) {
            int pidfd = StorageSys.pidfdOfThisThread();
            try {
                storage.put(pidfd, new Counter(0, 5));
                targetTid.set(StorageSys.gettid());
                for (int i = 0; i < 3; i++) StorageSys.syscall(StorageSys.SYS_GETPPID, 0, 0);
                targetTid.set(0);
                assertEquals(Optional.of(new Counter(3, 5)), storage.get(pidfd), "3 getppid calls of this thread");
                assertTrue(storage.remove(pidfd));
            } finally {
                StorageSys.close(pidfd);
            }
        }
        // endregion
    }

    @Test
    void cgroupStorageWrittenForTheCallersCgroupIsReadByTheCgroupFd() throws Exception {
        // region cgrp-storage
        try (TestCgroup cg = TestCgroup.create("e4j-cgstg");
             CgrpStorageMap<Counter> storage = CgrpStorageMap.of(obj.map("cgrp_stg"), Codec.of(Counter.class))) {
            int cgfd = StorageSys.open(cg.path(), StorageSys.O_RDONLY | StorageSys.O_DIRECTORY);
            try {
                assertEquals(Optional.empty(), storage.get(cgfd), "a new cgroup has no storage");
                cg.runInside(() -> {
                    targetTid.set(StorageSys.gettid());
                    for (int i = 0; i < 4; i++) StorageSys.syscall(StorageSys.SYS_GETPPID, 0, 0);
                    targetTid.set(0);
                    return null;
                });
                assertEquals(Optional.of(new Counter(4, 0)), storage.get(cgfd), "4 getppid calls made inside the cgroup");
                storage.put(cgfd, new Counter(100, 1), PutMode.EXIST);
                assertEquals(100, storage.get(cgfd).orElseThrow().hits());
            } finally {
                StorageSys.close(cgfd);
            }
        }
        // endregion
    }

    @Test
    void aKeyThatIsNotTheRightKindOfFdIsAKernelError() throws Exception {
        try (TaskStorageMap<Counter> storage = TaskStorageMap.of(obj.map("task_stg"), Codec.of(Counter.class))) {
            int file = StorageSys.open(Path.of("/proc/self/stat"), StorageSys.O_RDONLY);
            try {
                BpfException e = assertThrows(BpfException.class, () -> storage.get(file));
                assertTrue(e.getMessage().contains("map lookup task_stg"), e.getMessage());
            } finally {
                StorageSys.close(file);
            }
            assertThrows(IllegalArgumentException.class, () -> storage.get(-1));
        }
    }
}
