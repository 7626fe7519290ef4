package dev.ebpf4j.k8s.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ebpf4j.k8s.model.L4Protocol;
import dev.ebpf4j.k8s.model.LabelSelector;
import dev.ebpf4j.k8s.model.NetworkPolicy;
import dev.ebpf4j.k8s.model.PolicyType;
import dev.ebpf4j.k8s.policy.truthtable.TruthTableModel;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodePolicyUpdaterTest {

    @Test
    void appliesDifferencesAndPublishesRevisions() {
        InMemoryPolicyMaps maps = new InMemoryPolicyMaps(TruthTableModel.NODE);
        NodePolicyUpdater updater = new NodePolicyUpdater(TruthTableModel.NODE, maps);
        ClusterState open = TruthTableModel.initialState();
        NodePolicyUpdater.Result first = updater.apply(open);
        assertEquals(1, first.revision());
        assertEquals(1, maps.revision());
        assertEquals(9, maps.sizes()[0], "nine endpoints");

        assertEquals(0, updater.apply(open).writes(), "nothing changed, nothing written");
        assertEquals(2, maps.revision());

        ClusterState denyX = open.withPolicy(new NetworkPolicy("x", "deny", LabelSelector.everything(),
                EnumSet.of(PolicyType.INGRESS), List.of(), List.of()));
        NodePolicyUpdater.Result r = updater.apply(denyX);
        assertEquals(3, r.revision());
        assertEquals(3, r.writes(), "three endpoints gain the ingress flag, no rule is needed");
        PolicyDatapathModel model = PolicyDatapathModel.over(List.of(maps));
        Probe intoX = Probe.between(open.pod("y", "a"), open.pod("x", "b"), 80, L4Protocol.TCP);
        assertFalse(model.decide(intoX).allowed());
        updater.apply(open);
        assertTrue(model.decide(intoX).allowed(), "deleted policy stops being enforced");
    }
}
