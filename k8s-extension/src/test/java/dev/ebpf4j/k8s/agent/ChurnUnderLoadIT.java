package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.lb.LbConfig;
import dev.ebpf4j.k8s.lb.LbController;
import dev.ebpf4j.k8s.lb.Selection;
import dev.ebpf4j.k8s.model.AddressType;
import dev.ebpf4j.k8s.model.Endpoint;
import dev.ebpf4j.k8s.model.EndpointPort;
import dev.ebpf4j.k8s.model.EndpointSlice;
import dev.ebpf4j.k8s.model.Protocol;
import dev.ebpf4j.k8s.model.Service;
import dev.ebpf4j.k8s.model.ServiceName;
import dev.ebpf4j.k8s.model.ServicePort;
import dev.ebpf4j.k8s.source.ClusterSnapshot;
import dev.ebpf4j.testkit.FdLeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Endpoint and Service churn at a target rate (default 1,000 updates/s) while a client in the LB cgroup sends short
 * TCP requests through the VIP; each backend answers its own name. A request is misrouted when the backend that
 * answered was in none of the endpoint sets in force during its connect: the set of update k is in force from the
 * start of sync k (its writes may already be visible) until the end of sync k+1 (the old table is visible until
 * its service entry is switched). Every request must succeed (the sets are never empty, no backend goes down).
 * {@code -Debpf4j.churn.seconds=60} for the full run (default 10), {@code -Debpf4j.churn.rate=N} for the rate.
 */
@Tag("kernel")
@ExtendWith(FdLeakCheck.class)
class ChurnUnderLoadIT {
    private static final int SECONDS = Integer.getInteger("ebpf4j.churn.seconds", 10);
    private static final int RATE = Integer.getInteger("ebpf4j.churn.rate", 1000);
    private static final int BACKENDS = 4;
    private static final ServiceName WEB = new ServiceName("default", "web");
    private static final ServiceName OTHER = new ServiceName("default", "other");

    private record Request(long start, long connected, int backend) {
    }

    @Test
    void noMisroutedOrFailedRequestUnderChurn() throws Exception {
        try (AgentTestbed bed = new AgentTestbed("e4jch", BACKENDS);
             Agent agent = Agent.start(bed.pinDir, new LbConfig("n1", Selection.RANDOM, false), bed.cgroup.path())) {
            LbController controller = agent.controller();
            int maxUpdates = SECONDS * RATE + 16;
            long[] syncStart = new long[maxUpdates], syncEnd = new long[maxUpdates];
            int[] sets = new int[maxUpdates];
            sets[0] = 0b1111;
            syncStart[0] = System.nanoTime();
            controller.sync(snapshot(sets[0], false, 0));
            syncEnd[0] = System.nanoTime();
            List<Request> requests = new ArrayList<>(1 << 20);
            long[] failed = {0}, refused = {0};
            Throwable[] firstFailure = {null};
            AtomicBoolean stop = new AtomicBoolean();
            int[] updates = {1};
            bed.cgroup.runInside(() -> {
                Thread client = Thread.ofPlatform().name("client").start(() -> bed.client.run(() -> {
                    while (!stop.get()) {
                        long t0 = System.nanoTime();
                        try {
                            String who = AgentTestbed.request(80);
                            requests.add(new Request(t0, System.nanoTime(), Integer.parseInt(who.substring(1))));
                        } catch (java.net.ConnectException e) {
                            refused[0]++;
                        } catch (Exception e) {
                            failed[0]++;
                            if (firstFailure[0] == null) firstFailure[0] = e;
                        }
                    }
                }));
                SplittableRandom random = new SplittableRandom(42);
                long period = 1_000_000_000L / RATE, begin = System.nanoTime(), end = begin + SECONDS * 1_000_000_000L;
                for (int k = 1; k < maxUpdates && System.nanoTime() < end; k++) {
                    long due = begin + k * period;
                    long wait = due - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                    int set;
                    do set = 1 + random.nextInt((1 << BACKENDS) - 1); while (set == sets[k - 1]);
                    sets[k] = set;
                    syncStart[k] = System.nanoTime();
                    controller.sync(snapshot(set, k % 10 < 5, k));
                    syncEnd[k] = System.nanoTime();
                    updates[0] = k + 1;
                }
                stop.set(true);
                client.join();
                return null;
            });
            int n = updates[0];
            double seconds = (syncEnd[n - 1] - syncStart[0]) / 1e9;
            long misrouted = 0;
            String example = null;
            for (Request r : requests) {
                int valid = validAt(r, syncStart, syncEnd, sets, n);
                if ((valid & (1 << (r.backend() - 1))) == 0) {
                    misrouted++;
                    if (example == null) example = r + " valid set " + Integer.toBinaryString(valid);
                }
            }
            long total = requests.size() + failed[0] + refused[0];
            System.out.printf("churn: %d updates in %.1f s (%.0f/s), %d requests, %d failed, %d refused, %d misrouted%n",
                    n, seconds, n / seconds, total, failed[0], refused[0], misrouted);
            assertEquals(0, failed[0], () -> "failed requests, first: " + firstFailure[0]);
            // Refusals are counted apart from other failures: a refused connect means the socket program found no
            // backend (it sends no SYN), the symptom of reading a recycled map element (see lb_common.h lb_barrier).
            assertEquals(0, refused[0], "connects refused by the datapath: " + refused[0] + " of " + total);
            assertEquals(0, misrouted, "misrouted, first: " + example);
            assertTrue(requests.size() > 1000, "too few requests: " + requests.size());
            assertTrue(n / seconds >= RATE * 0.9, "update rate " + n / seconds + "/s below the target " + RATE);
        }
    }

    /** Union of the sets that may have been in force at some time during the request's connect. */
    private static int validAt(Request r, long[] syncStart, long[] syncEnd, int[] sets, int n) {
        // Last update that started before the connect returned.
        int hi = Arrays.binarySearch(syncStart, 0, n, r.connected());
        hi = hi >= 0 ? hi : -hi - 2;
        int valid = 0;
        for (int k = Math.max(hi, 0); k >= 0; k--) {
            long inForceUntil = k + 1 < n ? syncEnd[k + 1] : Long.MAX_VALUE;
            if (inForceUntil < r.start()) break;
            valid |= sets[k];
        }
        return valid;
    }

    private static ClusterSnapshot snapshot(int set, boolean withOther, long generation) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 1; i <= BACKENDS; i++) {
            if ((set & (1 << (i - 1))) != 0) endpoints.add(Endpoint.ready(InetAddress.ofLiteral(AgentTestbed.backendIp(i)), "n1"));
        }
        List<Service> services = new ArrayList<>();
        List<EndpointSlice> slices = new ArrayList<>();
        services.add(Service.clusterIp(WEB, AgentTestbed.VIP, List.of(ServicePort.of("http", Protocol.TCP, 80))));
        slices.add(new EndpointSlice("default", "web-1", WEB, AddressType.IPV4, endpoints,
                List.of(new EndpointPort("http", Protocol.TCP, 8080))));
        if (withOther) {
            // A second Service coming and going: service-map inserts and deletes beside the endpoint churn.
            services.add(Service.clusterIp(OTHER, InetAddress.ofLiteral("10.96.0.11"), List.of(ServicePort.of("http", Protocol.TCP, 80))));
            slices.add(new EndpointSlice("default", "other-1", OTHER, AddressType.IPV4, endpoints.subList(0, 1),
                    List.of(new EndpointPort("http", Protocol.TCP, 8080))));
        }
        return ClusterSnapshot.of(services, slices, generation);
    }
}
