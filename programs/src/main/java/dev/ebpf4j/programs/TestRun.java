package dev.ebpf4j.programs;

import java.util.Optional;

/**
 * The result of a {@code BPF_PROG_TEST_RUN}.
 *
 * @param verdict     the program's return value of the last run ({@code XDP_DROP}, {@code TC_ACT_OK}, a socket filter's length, ...)
 * @param output      the packet as the program left it
 * @param nanosPerRun the kernel's average duration per repetition
 * @param context     the context after the run ({@code xdp_md}/{@code __sk_buff}), when one was passed in
 */
public record TestRun(int verdict, byte[] output, long nanosPerRun, Optional<byte[]> context) {
    /** {@code enum xdp_action} values. */
    public static final int XDP_ABORTED = 0, XDP_DROP = 1, XDP_PASS = 2, XDP_TX = 3, XDP_REDIRECT = 4;
    /** TC action values. */
    public static final int TC_ACT_UNSPEC = -1, TC_ACT_OK = 0, TC_ACT_SHOT = 2, TC_ACT_REDIRECT = 7;
    /**
     * tcx return values ({@code enum tcx_action_base}). {@code TCX_NEXT} hands the packet to the next program of the
     * chain, or on to the stack after the last one; a clsact filter reads the same value as {@code TC_ACT_UNSPEC}.
     */
    public static final int TCX_NEXT = -1, TCX_PASS = 0, TCX_DROP = 2, TCX_REDIRECT = 7;
}
