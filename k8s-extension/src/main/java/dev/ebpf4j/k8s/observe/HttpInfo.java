package dev.ebpf4j.k8s.observe;

import java.time.Duration;
import java.util.Objects;

/**
 * An HTTP/1.x exchange matched request to response.
 *
 * @param method  request method ({@code GET}, ...)
 * @param path    request target as sent
 * @param version protocol version ({@code HTTP/1.1})
 * @param status  response status code
 * @param latency time from the request's first segment to the response's first segment
 */
public record HttpInfo(String method, String path, String version, int status, Duration latency) implements L7Info {
    public HttpInfo {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(latency, "latency");
    }
}
