package dev.ebpf4j.k8s.agent;

import dev.ebpf4j.k8s.lb.LbConfig;
import dev.ebpf4j.k8s.lb.Selection;

import java.util.Locale;

/**
 * How the agent chooses a Service's backend ({@code loadBalancing} in {@code agent.yaml}, {@code --lb-algorithm},
 * {@code --maglev-table-size}).
 *
 * @param algorithm       random (the default, as Cilium's) or Maglev consistent hashing
 * @param maglevTableSize with Maglev, every Service's table size (a prime, see {@link LbConfig#maglevTableSize()});
 *                        0 for automatic
 */
public record LoadBalancingOptions(Selection algorithm, int maglevTableSize) {
    /** Random selection. */
    public static final LoadBalancingOptions DEFAULT = new LoadBalancingOptions(Selection.RANDOM, 0);

    /** Checks the table size as {@link LbConfig} does, and that it comes with Maglev. */
    public LoadBalancingOptions {
        java.util.Objects.requireNonNull(algorithm, "algorithm");
        LbConfig.forNode("check").withMaglevTableSize(maglevTableSize);
        if (maglevTableSize != 0 && algorithm != Selection.MAGLEV) {
            throw new IllegalArgumentException("a Maglev table size needs the maglev algorithm (--lb-algorithm maglev)");
        }
    }

    /** {@code random} or {@code maglev}, as the flag and the config key spell it. */
    static Selection algorithm(String what, String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "random" -> Selection.RANDOM;
            case "maglev" -> Selection.MAGLEV;
            default -> throw new IllegalArgumentException(what + " must be random or maglev, got '" + name + "'");
        };
    }

    LoadBalancingOptions withAlgorithm(Selection s) {
        return new LoadBalancingOptions(s, s == Selection.MAGLEV ? maglevTableSize : 0);
    }

    LoadBalancingOptions withMaglevTableSize(int size) {
        return new LoadBalancingOptions(algorithm, size);
    }

    LbConfig applyTo(LbConfig config) {
        return config.withSelection(algorithm).withMaglevTableSize(maglevTableSize);
    }
}
