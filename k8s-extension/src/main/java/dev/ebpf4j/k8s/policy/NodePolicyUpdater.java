package dev.ebpf4j.k8s.policy;

import java.util.List;
import java.util.Objects;

/**
 * Keeps one node's policy maps in step with the cluster: each {@link #apply} compiles the new state (identities
 * stay stable), writes only the difference in the safe order of {@link PolicyMapUpdate}, then publishes a new
 * revision. When {@code apply} returns, new connections see the new policy and established ones are re-checked on
 * their next packet. Thread-safe (calls are serialised).
 *
 * {@snippet :
 * NodePolicyUpdater updater = new NodePolicyUpdater("node-1", writer);   // writer over the loaded maps
 * updater.apply(state);                                                  // on every informer change
 * }
 */
public final class NodePolicyUpdater {

    /**
     * What one {@link #apply} did.
     *
     * @param writes the map writes issued
     * @param revision the revision published afterwards
     */
    public record Result(int writes, int revision) {
    }

    private final String node;
    private final PolicyMapWriter writer;
    private final PolicyCompiler compiler;
    private CompiledPolicy current;
    private int revision;

    /**
     * @param node the node whose maps {@code writer} writes
     * @param writer the maps, assumed empty at first
     */
    public NodePolicyUpdater(String node, PolicyMapWriter writer) {
        this(node, writer, new PolicyCompiler());
    }

    /**
     * @param node the node whose maps {@code writer} writes
     * @param writer the maps, assumed empty at first
     * @param compiler the compiler (its identity allocator may be shared)
     */
    public NodePolicyUpdater(String node, PolicyMapWriter writer, PolicyCompiler compiler) {
        this.node = Objects.requireNonNull(node, "node");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.compiler = Objects.requireNonNull(compiler, "compiler");
    }

    /**
     * @param state the new cluster state
     * @return how many writes were needed and the revision now published
     */
    public synchronized Result apply(ClusterState state) {
        CompiledPolicy next = compiler.compile(state, node);
        List<PolicyMapUpdate.Op> ops = PolicyMapUpdate.plan(current, next);
        for (PolicyMapUpdate.Op op : ops) {
            op.applyTo(writer);
        }
        current = next;
        revision++;
        writer.revision(revision);
        return new Result(ops.size(), revision);
    }

    /** @return the contents last written, or null before the first {@link #apply} */
    public synchronized CompiledPolicy current() {
        return current;
    }
}
