package dev.ebpf4j.k8s.observe;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * Recognises HTTP/1.x request and status lines at the start of a captured TCP payload. Any input that is not one
 * yields {@link Optional#empty()}; no input makes it throw.
 */
public final class HttpParser {
    /** Methods accepted in a request line (RFC 9110 plus PATCH). */
    public static final Set<String> METHODS =
            Set.of("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS", "CONNECT", "TRACE");
    private static final int MAX_METHOD = 7;

    private HttpParser() {}

    /** A parsed request line. */
    public record Request(String method, String target, String version) {}

    /** A parsed status line. */
    public record Response(String version, int status) {}

    /** The request line at the start of {@code data[0..length)}, if it is one. */
    public static Optional<Request> parseRequest(byte[] data, int length) {
        int n = Math.min(length, data.length);
        int sp1 = indexOf(data, 0, n, (byte) ' ');
        if (sp1 < 3 || sp1 > MAX_METHOD) return Optional.empty();
        String method = new String(data, 0, sp1, StandardCharsets.US_ASCII);
        if (!METHODS.contains(method)) return Optional.empty();
        int targetStart = sp1 + 1;
        int i = targetStart;
        while (i < n && isTargetChar(data[i])) i++;
        if (i == targetStart || i >= n || data[i] != ' ') return Optional.empty();
        String target = new String(data, targetStart, i - targetStart, StandardCharsets.US_ASCII);
        int versionStart = i + 1;
        if (!isVersion(data, versionStart, n) || !lineEnds(data, versionStart + 8, n)) return Optional.empty();
        return Optional.of(new Request(method, target, new String(data, versionStart, 8, StandardCharsets.US_ASCII)));
    }

    /** The status line at the start of {@code data[0..length)}, if it is one. */
    public static Optional<Response> parseResponse(byte[] data, int length) {
        int n = Math.min(length, data.length);
        if (!isVersion(data, 0, n) || n < 12 || data[8] != ' ') return Optional.empty();
        int status = 0;
        for (int i = 9; i < 12; i++) {
            int d = data[i] - '0';
            if (d < 0 || d > 9) return Optional.empty();
            status = status * 10 + d;
        }
        if (status < 100) return Optional.empty();
        // After the code: end of capture, CRLF, or a reason phrase.
        if (n > 12 && data[12] != ' ' && data[12] != '\r') return Optional.empty();
        return Optional.of(new Response(new String(data, 0, 8, StandardCharsets.US_ASCII), status));
    }

    private static boolean isVersion(byte[] d, int at, int n) {
        return at + 8 <= n && d[at] == 'H' && d[at + 1] == 'T' && d[at + 2] == 'T' && d[at + 3] == 'P'
                && d[at + 4] == '/' && d[at + 5] == '1' && d[at + 6] == '.' && (d[at + 7] == '0' || d[at + 7] == '1');
    }

    /** The request line must end at CRLF (or the capture ends right after the version). */
    private static boolean lineEnds(byte[] d, int at, int n) {
        return at == n || (d[at] == '\r' && (at + 1 == n || d[at + 1] == '\n'));
    }

    private static boolean isTargetChar(byte b) {
        return b > 0x20 && b < 0x7f;
    }

    private static int indexOf(byte[] d, int from, int n, byte b) {
        for (int i = from; i < n && i <= from + MAX_METHOD; i++) if (d[i] == b) return i;
        return -1;
    }
}
