package dev.ebpf4j.site;

/** A problem in the site's sources, reported as {@code file:line: message} and failing the build. */
final class SiteException extends RuntimeException {
    SiteException(String where, String message) {
        super(where + ": " + message);
    }
}
