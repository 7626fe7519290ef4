package dev.ebpf4j.k8s.observe;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.k8s.cli.CliRunner;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A ring buffer that fills up while nobody reads reports the lost events: in stats, metrics and status. */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class RingBufferOverflowIT {

    @Test
    void overflowIsCountedNeverSilent() throws Exception {
        try (ObserveTopology net = new ObserveTopology("e4j-ovf");
             DatapathObserver observer = DatapathObserver.builder().readerThread(false).ringBytes(4096)
                     .objects(() -> BpfObject.open(ObserveObjects.compile("observe_tcp")),
                             () -> BpfObject.open(ObserveObjects.compile("observe_l7")))
                     .start()) {
            // 4 KiB holds 36 records of 112 bytes; 100 connections make at least 400 state changes.
            net.backend.run(() -> {
                try (ServerSocket s = new ServerSocket(9000, 200, InetAddress.getByName(net.backendIp))) {
                    net.frontend.run(() -> {
                        for (int i = 0; i < 100; i++) {
                            try (Socket c = new Socket(net.backendIp, 9000)) {
                                s.accept().close();
                            }
                        }
                    });
                }
            });
            long lost = observer.stats().lostEvents();
            assertTrue(lost > 0, "expected lost events with a 4 KiB ring and no reader");
            int read = observer.poll(Duration.ofMillis(100));
            assertTrue(read > 0, "the records that fitted are still readable");
            long lostNow = observer.stats().lostEvents();
            assertTrue(lostNow >= lost);
            String metrics = observer.metrics().scrape();
            assertTrue(metrics.matches("(?s).*ebpf4j_ringbuf_lost_events_total\\{ring=\"observe_events\"\\} [1-9][0-9]*\n.*"), metrics);
            String status = CliRunner.run(observer, "status");
            assertTrue(metrics.contains("ebpf4j_map_max_entries{map=\"observe_syn_start\"} 16384\n"), metrics);
            assertTrue(status.matches("(?s).*Observer: +\\d+ events, \\d+ flows, [1-9][0-9]* lost.*"), status);
        }
    }
}
