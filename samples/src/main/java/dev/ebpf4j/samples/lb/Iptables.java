package dev.ebpf4j.samples.lb;

import dev.ebpf4j.testkit.NetNamespace;

/** Counts iptables rules in a namespace, to show that none carries Service traffic. */
final class Iptables {
    private Iptables() {}

    static String ruleCount(NetNamespace ns) {
        long rules = 0;
        for (String tool : new String[]{"iptables-legacy-save", "iptables-nft-save"}) {
            var result = ns.exec(tool);
            if (result.exitCode() != 0) return "n/a (" + tool + " unavailable)";
            rules += result.output().lines().filter(l -> l.startsWith("-A")).count();
        }
        return String.valueOf(rules);
    }
}
