package dev.ebpf4j.core;

/**
 * A failure reported by the kernel or libbpf. The message reads {@code "operation: ERRNO (hint)"}, for example
 * {@code "map create: EPERM (needs CAP_BPF or CAP_SYS_ADMIN)"}; {@link #operation()}, {@link #errno()} and
 * {@link #hint()} give the parts to code that handles it.
 *
 * <p>Misuse of the API (a wrong key size, a closed object) is not a {@code BpfException} but an
 * {@link IllegalArgumentException} or {@link IllegalStateException}.
 */
public abstract sealed class BpfException extends RuntimeException
        permits VerifierException, NotSupportedException, PermissionException, KeyExistsException,
        KeyNotFoundException, MapFullException, ObjectFormatException, SyscallException {

    private final String operation;
    private final int errno;
    private final String hint;

    BpfException(String operation, int errno, String hint, Throwable cause) {
        super(format(operation, errno, hint), cause);
        this.operation = operation;
        this.errno = Math.abs(errno);
        this.hint = hint == null ? "" : hint;
    }

    static String format(String operation, int errno, String hint) {
        String text = operation + ": " + Errno.name(errno);
        return hint == null || hint.isEmpty() ? text : text + " (" + hint + ")";
    }

    /** What was being done, such as {@code "map create"} or {@code "program load xdp_count"}. */
    public String operation() {
        return operation;
    }

    /** The positive errno value, or 0 when the failure did not come with one. */
    public int errno() {
        return errno;
    }

    /** The errno's symbolic name, such as {@code "EPERM"}. */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** What to do about it, or an empty string. */
    public String hint() {
        return hint;
    }

    /**
     * Maps a failed call's errno to the most specific exception: permissions to {@link PermissionException},
     * {@code EOPNOTSUPP}/{@code ENOTSUPP} to {@link NotSupportedException}, the rest to {@link SyscallException}.
     *
     * @param errno positive or negative errno
     */
    public static BpfException of(String operation, int errno) {
        return of(operation, errno, null);
    }

    /** Like {@link #of(String, int)} with an extra hint. */
    public static BpfException of(String operation, int errno, String hint) {
        int e = Math.abs(errno);
        return switch (e) {
            case Errno.EPERM, Errno.EACCES -> PermissionException.forOperation(operation, e, hint);
            case Errno.EOPNOTSUPP, Errno.ENOTSUPP -> new NotSupportedException(operation, e,
                    hint != null ? hint : operation, null);
            default -> new SyscallException(operation, e, hint);
        };
    }
}
