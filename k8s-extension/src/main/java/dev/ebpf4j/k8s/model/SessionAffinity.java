package dev.ebpf4j.k8s.model;

import java.time.Duration;

/**
 * {@code spec.sessionAffinity} with {@code sessionAffinityConfig.clientIP.timeoutSeconds}.
 *
 * @param clientIp       whether connections from one client stick to one endpoint
 * @param timeoutSeconds how long an idle affinity lasts, 1-86400 (the API default is 10800); 0 when disabled
 */
public record SessionAffinity(boolean clientIp, int timeoutSeconds) {
    /** No affinity. */
    public static final SessionAffinity NONE = new SessionAffinity(false, 0);
    /** The API's default ClientIP timeout: three hours. */
    public static final int DEFAULT_TIMEOUT_SECONDS = 10_800;

    /** Validates the timeout. */
    public SessionAffinity {
        if (!clientIp && timeoutSeconds != 0) throw new IllegalArgumentException("timeout given without ClientIP affinity");
        if (clientIp && (timeoutSeconds < 1 || timeoutSeconds > 86_400)) {
            throw new IllegalArgumentException("ClientIP timeout must be 1-86400 s, got " + timeoutSeconds);
        }
    }

    /** ClientIP affinity with the given idle timeout. */
    public static SessionAffinity clientIp(Duration timeout) {
        return new SessionAffinity(true, Math.toIntExact(timeout.toSeconds()));
    }

    /** The idle timeout (zero when disabled). */
    public Duration timeout() {
        return Duration.ofSeconds(timeoutSeconds);
    }
}
