package dev.ebpf4j.k8s.conntrack;

import dev.ebpf4j.k8s.lb.LbConfig;
import dev.ebpf4j.k8s.policy.PolicyEnforcerConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

class ConntrackTimeoutsTest {
    @Test
    void defaultsAreCiliums() {
        ConntrackTimeouts d = ConntrackTimeouts.defaults();
        assertEquals(Duration.ofHours(6), d.tcpEstablished());
        assertEquals(Duration.ofSeconds(60), d.tcpSyn());
        assertEquals(Duration.ofSeconds(10), d.tcpClosing());
        assertEquals(Duration.ofSeconds(60), d.other());
        assertEquals(d, LbConfig.forNode("n").conntrack());
        assertEquals(d, PolicyEnforcerConfig.forNode("n").conntrack());
    }

    @Test
    void zeroOrNegativeTimeoutsAreRefusedNamingTheTimeout() {
        var e = assertThrows(IllegalArgumentException.class, () -> ConntrackTimeouts.defaults().withTcpClosing(Duration.ZERO));
        assertEquals("conntrack timeout tcpClosing must be positive, got PT0S: an entry would expire as it is made"
                + " (use a duration such as 60s)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConntrackTimeouts.defaults().withOther(Duration.ofSeconds(-5)));
        assertTrue(e.getMessage().startsWith("conntrack timeout other must be positive, got PT-5S"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConntrackTimeouts.defaults().withTcpSyn(Duration.ofNanos(10)));
        assertTrue(e.getMessage().contains("tcpSyn must be at least 1 ms"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ConntrackTimeouts.defaults().withTcpEstablished(Duration.ofDays(400)));
        assertTrue(e.getMessage().contains("tcpEstablished must be at most 365 days"), e.getMessage());
        var npe = assertThrows(NullPointerException.class, () -> new ConntrackTimeouts(null, Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1)));
        assertEquals("conntrack timeout tcpEstablished is null", npe.getMessage());
    }

    @Test
    void refreshAndGcIntervalFollowTheShortestTimeout() {
        ConntrackTimeouts d = ConntrackTimeouts.defaults();
        assertEquals(Duration.ofSeconds(10), d.shortest());
        assertEquals(Duration.ofSeconds(1), d.refresh(), "at most 1 s");
        assertEquals(Duration.ofSeconds(5), d.gcInterval(), "half the shortest");
        ConntrackTimeouts fast = d.withTcpClosing(Duration.ofMillis(800)).withOther(Duration.ofSeconds(1));
        assertEquals(Duration.ofMillis(100), fast.refresh(), "an eighth of the shortest");
        assertEquals(Duration.ofSeconds(1), fast.gcInterval(), "at least 1 s");
    }

    @Test
    void lifetimeFollowsProtocolAndState() {
        ConntrackTimeouts d = ConntrackTimeouts.defaults();
        assertEquals(Duration.ofSeconds(60).toNanos(), d.lifetimeNanos(17, 0));
        assertEquals(Duration.ofSeconds(60).toNanos(), d.lifetimeNanos(6, 0), "SYN only");
        assertEquals(Duration.ofHours(6).toNanos(), d.lifetimeNanos(6, 1), "established");
        assertEquals(Duration.ofSeconds(10).toNanos(), d.lifetimeNanos(6, 3), "closing");
        assertEquals(Duration.ofSeconds(10).toNanos(), d.lifetimeNanos(6, 2), "closing before established (RST on SYN)");
    }

    @Test
    void configsCarryTheirTimeouts() {
        ConntrackTimeouts t = ConntrackTimeouts.defaults().withOther(Duration.ofSeconds(30));
        assertEquals(t, LbConfig.forNode("n").withConntrack(t).withSelection(dev.ebpf4j.k8s.lb.Selection.MAGLEV).conntrack());
        assertEquals(t, PolicyEnforcerConfig.forNode("n").withConntrack(t).withResync(Duration.ofSeconds(3)).conntrack());
        assertEquals("tcp 6h / syn 1m / closing 10s / other 30s", t.describe());
    }
}
