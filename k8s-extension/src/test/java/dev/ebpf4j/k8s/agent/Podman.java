package dev.ebpf4j.k8s.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The podman command line, running the agent's image as deploy/daemonset.yaml describes its pod: the exact
 * capabilities of its securityContext (BPF, NET_ADMIN, PERFMON, nothing else, not privileged, no privilege
 * escalation), a read-only root with a memory-backed /tmp of 64 MiB, its 512 MiB memory limit, the host's bpffs
 * (HostToContainer propagation, podman's {@code rslave}), cgroup and BTF directories mounted where the manifests
 * mount them, the ConfigMap at /etc/ebpf4j, the service account's token where the kubelet puts it, and the host
 * network of a node ({@code --network ns:PATH}).
 * <p>
 * Three differences from a kubelet, each because of this machine or this podman, none in what the pod may do:
 * <ul>
 * <li>{@code --runtime runc}: Debian 12's crun 1.8.1 refuses this machine's hybrid cgroup layout with "cgroups in
 * hybrid mode not supported, drop all controllers from cgroupv2".</li>
 * <li>Explicit {@code --ulimit}s: podman's default raises RLIMIT_NOFILE/NPROC, which needs CAP_SYS_RESOURCE, which
 * this machine withholds from root.</li>
 * <li>The seccomp profile: RuntimeDefault is the runtime's own. Podman 4.3's (containers-common 0.50.1) allows the
 * bpf system call only with CAP_SYS_ADMIN, so the agent's first bpf() gets EPERM although it holds CAP_BPF;
 * containerd 1.7+ and Docker 23+ allow it with CAP_BPF. The test runs podman's own default profile with that one
 * change, made by deploy/seccomp/bpf-capable-profile.sh, the script deploy/README.md gives CRI-O users.</li>
 * </ul>
 */
final class Podman {
    static final List<String> RUNTIME = List.of("--runtime", "runc", "--ulimit", "nofile=8192:8192", "--ulimit", "nproc=4096:4096");

    private Podman() {
    }

    record Result(int exit, String output) {
        Result requireSuccess(String what) {
            if (exit != 0) throw new AssertionError(what + " exited " + exit + ":\n" + output);
            return this;
        }
    }

    /** Runs {@code podman args...}, output and errors together; fails after {@code timeoutSeconds}. */
    static Result run(long timeoutSeconds, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("podman"));
        cmd.addAll(args);
        Path out = Files.createTempFile("e4j-podman", ".out");
        try {
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            } catch (IOException e) {
                throw new AssertionError("cannot run podman (./dev setup installs it with crun and runc): " + e.getMessage(), e);
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("podman " + args + " did not finish in " + timeoutSeconds + " s:\n" + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static Result run(String... args) throws IOException, InterruptedException {
        return run(120, List.of(args));
    }

    /**
     * The options of {@code podman run} for the agent's container as the DaemonSet describes it (before the image).
     *
     * @param nodeNetns  the node's network namespace (the pod's {@code hostNetwork})
     * @param seccomp    the seccomp profile standing in for RuntimeDefault
     * @param configDir  the ConfigMap's files, mounted at /etc/ebpf4j
     * @param secretsDir the service account's files, mounted where the kubelet mounts them
     * @param env        NAME=value pairs
     */
    static List<String> daemonSetPod(Path nodeNetns, Path seccomp, Path configDir, Path secretsDir, List<String> env) {
        List<String> a = new ArrayList<>(RUNTIME);
        a.addAll(List.of("--network", "ns:" + nodeNetns,
                "--cap-drop", "ALL", "--cap-add", "BPF,NET_ADMIN,PERFMON",
                "--security-opt", "no-new-privileges", "--security-opt", "seccomp=" + seccomp,
                "--read-only", "--tmpfs", "/tmp:rw,size=64m", "--memory", "512m",
                "-v", "/sys/fs/bpf:/sys/fs/bpf:rslave",
                "-v", "/sys/fs/cgroup:/sys/fs/cgroup:ro",
                "-v", "/sys/kernel/btf:/sys/kernel/btf:ro",
                "-v", configDir + ":/etc/ebpf4j:ro",
                "-v", secretsDir + ":/var/run/secrets/kubernetes.io/serviceaccount:ro"));
        for (String e : env) a.addAll(List.of("-e", e));
        return a;
    }
}
