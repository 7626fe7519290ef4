package dev.ebpf4j.k8s.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpf4j.k8s.model.LabelSelectorRequirement.Operator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorTest {

    private static final Map<String, String> WEB = Map.of("app", "web", "tier", "front");

    @Test
    void emptySelectorMatchesEverythingIncludingNoLabels() {
        assertTrue(LabelSelector.everything().matches(Map.of()));
        assertTrue(LabelSelector.everything().matches(WEB));
        assertTrue(new LabelSelector(null, null).isEmpty());
    }

    @Test
    void matchLabelsNeedsEveryPair() {
        assertTrue(LabelSelector.matchLabels(Map.of("app", "web")).matches(WEB));
        assertFalse(LabelSelector.matchLabels(Map.of("app", "web", "tier", "back")).matches(WEB));
        assertFalse(LabelSelector.matchLabels(Map.of("app", "web")).matches(Map.of()));
    }

    @Test
    void operators() {
        assertTrue(req("app", Operator.IN, "db", "web").matches(WEB));
        assertFalse(req("app", Operator.IN, "db").matches(WEB));
        assertFalse(req("zone", Operator.IN, "a").matches(WEB));
        assertTrue(req("app", Operator.NOT_IN, "db").matches(WEB));
        assertFalse(req("app", Operator.NOT_IN, "web").matches(WEB));
        assertTrue(req("zone", Operator.NOT_IN, "a").matches(WEB), "NotIn matches an absent key");
        assertTrue(req("app", Operator.EXISTS).matches(WEB));
        assertFalse(req("zone", Operator.EXISTS).matches(WEB));
        assertTrue(req("zone", Operator.DOES_NOT_EXIST).matches(WEB));
        assertFalse(req("app", Operator.DOES_NOT_EXIST).matches(WEB));
    }

    @Test
    void labelsAndExpressionsAreAnded() {
        LabelSelector s = new LabelSelector(Map.of("app", "web"), List.of(req("tier", Operator.IN, "back")));
        assertFalse(s.matches(WEB));
        assertTrue(s.matches(Map.of("app", "web", "tier", "back")));
    }

    @Test
    void validationFollowsTheApiServer() {
        assertThrows(IllegalArgumentException.class, () -> req("a", Operator.IN));
        assertThrows(IllegalArgumentException.class, () -> req("a", Operator.EXISTS, "x"));
        assertThrows(IllegalArgumentException.class, () -> Operator.parse("Gt"));
        assertTrue(Operator.parse("DoesNotExist") == Operator.DOES_NOT_EXIST);
    }

    @Test
    void ipBlockExceptMustLieInside() {
        assertThrows(IllegalArgumentException.class, () -> IpBlock.of("10.0.0.0/16", "10.1.0.0/24"));
        assertThrows(IllegalArgumentException.class, () -> IpBlock.of("10.0.0.0/16", "10.0.0.0/16"));
        IpBlock b = IpBlock.of("10.0.0.0/16", "10.0.1.0/24");
        assertTrue(b.matches(Cidr.address("10.0.2.1")));
        assertFalse(b.matches(Cidr.address("10.0.1.1")));
        assertFalse(b.matches(Cidr.address("10.1.0.1")));
        assertFalse(b.matches(Cidr.address("::1")), "families never mix");
        assertTrue(Cidr.parse("10.0.0.7/24").equals(Cidr.parse("10.0.0.0/24")), "host bits cleared");
    }

    @Test
    void portValidation() {
        assertThrows(IllegalArgumentException.class, () -> NetworkPolicyPort.range(L4Protocol.TCP, 90, 80));
        assertThrows(IllegalArgumentException.class, () -> new NetworkPolicyPort(L4Protocol.TCP, 0, 80, ""));
        assertThrows(IllegalArgumentException.class, () -> new NetworkPolicyPort(L4Protocol.TCP, 80, 0, "http"));
        assertThrows(IllegalArgumentException.class, () -> L4Protocol.parse("ICMP"));
        assertTrue(L4Protocol.parse(null) == L4Protocol.TCP, "the API default");
    }

    private static LabelSelectorRequirement req(String key, Operator op, String... values) {
        return new LabelSelectorRequirement(key, op, List.of(values));
    }
}
