package dev.ebpf4j.k8s.model;

/**
 * The conditions of one endpoint, with the API's defaulting applied ({@code ready} and {@code serving} unknown mean
 * true, {@code terminating} unknown means false).
 *
 * @param ready       whether the endpoint should get new connections
 * @param serving     whether it answers, regardless of termination
 * @param terminating whether its pod is shutting down
 */
public record EndpointConditions(boolean ready, boolean serving, boolean terminating) {
    /** A ready, serving, non-terminating endpoint. */
    public static final EndpointConditions READY = new EndpointConditions(true, true, false);
    /** A terminating endpoint that still serves its established connections. */
    public static final EndpointConditions TERMINATING = new EndpointConditions(false, true, true);

    /** Applies the API's nil-means defaults. */
    public static EndpointConditions of(Boolean ready, Boolean serving, Boolean terminating) {
        boolean r = ready == null || ready;
        return new EndpointConditions(r, serving == null ? r : serving, terminating != null && terminating);
    }
}
