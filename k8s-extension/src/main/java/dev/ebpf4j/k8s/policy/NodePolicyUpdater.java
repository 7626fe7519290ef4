package dev.ebpf4j.k8s.policy;

import java.util.List;
import java.util.Objects;

/**
 * Keeps one node's policy maps in step with the cluster: each {@link #apply} recomputes only what changed since the
 * previous state (identities stay stable; see {@link IncrementalPolicyCompiler}, whose contents equal a
 * from-scratch {@link PolicyCompiler} compile), writes the difference in the safe order of {@link PolicyMapUpdate}
 * (consecutive writes of one kind to one map as one batch), then publishes a new revision. When {@code apply} returns, new connections see the new policy and established ones are re-checked on
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
    private final IncrementalPolicyCompiler compiler;
    private boolean applied;
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
        this.compiler = new IncrementalPolicyCompiler(node, Objects.requireNonNull(compiler, "compiler").identities());
    }

    /**
     * @param state the new cluster state
     * @return how many writes were needed and the revision now published
     */
    public synchronized Result apply(ClusterState state) {
        List<PolicyMapUpdate.Op> ops = PolicyMapUpdate.plan(compiler.update(state));
        write(ops);
        applied = true;
        revision++;
        writer.revision(revision);
        return new Result(ops.size(), revision);
    }

    private void write(List<PolicyMapUpdate.Op> ops) {
        int from = 0;
        while (from < ops.size()) {
            PolicyMapUpdate.Op first = ops.get(from);
            int to = from + 1;
            while (to < ops.size() && ops.get(to).kind() == first.kind() && ops.get(to).map().equals(first.map())) to++;
            List<PolicyMapUpdate.Op> run = ops.subList(from, to);
            if (first.kind() == PolicyMapUpdate.Kind.PUT) {
                writer.putAll(first.map(), run.stream().map(PolicyMapUpdate.Op::key).toList(),
                        run.stream().map(PolicyMapUpdate.Op::value).toList());
            } else {
                writer.deleteAll(first.map(), run.stream().map(PolicyMapUpdate.Op::key).toList());
            }
            from = to;
        }
    }

    /** @return the contents last written, or null before the first {@link #apply} */
    public synchronized CompiledPolicy current() {
        return applied ? compiler.current() : null;
    }
}
