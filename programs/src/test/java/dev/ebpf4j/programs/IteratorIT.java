package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.testkit.FdLeakCheck;
import dev.ebpf4j.testkit.NetNamespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BPF iterators read from Java: tasks (this JVM's threads), a map's elements, the TCP sockets of a test namespace. */
@ExtendWith({FdLeakCheck.class, KernelLeakCheck.class})
class IteratorIT {
    private static final int TCP_LISTEN = 10;

    @Test
    void taskIteratorSeesThisJvmAndItsThreads() throws Exception {
        int pid = Libc.getpid();
        Set<Integer> threads;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            threads = tasks.map(p -> Integer.parseInt(p.getFileName().toString())).collect(Collectors.toSet());
        }
        // region iterator-task
        try (BpfObject obj = TestObjects.open("iter").load();
             BpfLink link = IterProgram.of(obj.program("dump_task")).attach()) {
            assertEquals(LinkType.ITER, link.info().type());
            List<String> lines;
            try (Stream<String> s = BpfIterator.open(link).lines()) {
                lines = s.toList();
            }
            Set<Integer> ours = lines.stream().map(l -> l.split(" ")).filter(f -> Integer.parseInt(f[0]) == pid)
                    .map(f -> Integer.parseInt(f[1])).collect(Collectors.toSet());
            assertTrue(ours.contains(pid), "this JVM's main thread " + pid + " among " + lines.size() + " tasks");
            // Threads alive both before and after the walk are in it; the JVM may start or end others meanwhile.
            Set<Integer> stable = new java.util.HashSet<>(threads);
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                stable.retainAll(tasks.map(p -> Integer.parseInt(p.getFileName().toString())).collect(Collectors.toSet()));
            }
            assertTrue(ours.containsAll(stable), "every thread of /proc/self/task: missing "
                    + stable.stream().filter(t -> !ours.contains(t)).toList());
            assertTrue(lines.size() > ours.size(), "other processes' tasks too: " + lines.size());
            // Each open walks again from the start.
            try (Stream<String> again = BpfIterator.open(link).lines()) {
                assertTrue(again.anyMatch(l -> l.equals(pid + " " + pid)));
            }
        }
        // endregion
    }

    @Test
    void tcpIteratorListsAListenerOfTheTestNamespaceOnly() throws Exception {
        try (NetNamespace ns = NetNamespace.create("e4jp-iter");
             BpfObject obj = TestObjects.open("iter").load();
             BpfLink link = IterProgram.of(obj.program("dump_tcp")).attach()) {
            ns.verifyNoRouteOut();
            int port = 7733;
            // region iterator-tcp
            List<String> inside = ns.call(() -> {
                try (ServerSocket listener = new ServerSocket()) {
                    listener.bind(new InetSocketAddress("127.0.0.1", port));
                    // The walk covers the namespace of the thread that opens the iterator.
                    try (Stream<String> s = BpfIterator.open(link).lines()) {
                        return s.toList();
                    }
                }
            });
            assertEquals(List.of(TCP_LISTEN + " " + port), inside, "the namespace's only TCP socket: our listener");
            // endregion
            List<String> afterClose = ns.call(() -> {
                try (Stream<String> s = BpfIterator.open(link).lines()) {
                    return s.toList();
                }
            });
            assertEquals(List.of(), afterClose, "the listener is gone once closed");
        }
    }
}
