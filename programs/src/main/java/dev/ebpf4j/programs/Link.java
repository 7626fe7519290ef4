package dev.ebpf4j.programs;

import java.nio.file.Path;

/**
 * An attachment of a program to a hook, returned by every {@code attach} method. Closing it detaches the program
 * (unless it is a pinned {@link BpfLink}, which stays attached until its pin is removed).
 *
 * <p>Most attachments are kernel {@code bpf_link}s ({@link BpfLink}): pinnable, with {@link #info()} from the kernel,
 * and updatable where the kernel allows. Where the kernel or the caller chooses an older mechanism the attachment is a
 * {@link NetlinkXdpLink}, {@link NetlinkTcLink}, {@link SocketFilterLink} or {@link ProgAttachLink}: each detaches
 * exactly the program it attached and nothing else.
 *
 * {@snippet :
 * try (Link link = XdpProgram.of(obj.program("xdp_count")).attach("eth0", XdpMode.AUTO)) {
 *     System.out.println(link.info());   // 7: xdp  prog 42  ifindex 2
 * }
 * }
 *
 * <p>{@code close()} is idempotent and thread-safe.
 */
public sealed interface Link extends AutoCloseable
        permits BpfLink, NetlinkXdpLink, NetlinkTcLink, SocketFilterLink, ProgAttachLink {

    /** What {@code bpftool link show} would print for this attachment (non-link attachments report id 0). */
    LinkInfo info();

    /**
     * Atomically replaces the attached program.
     *
     * @throws dev.ebpf4j.core.NotSupportedException when the kernel cannot update this kind of attachment
     */
    void update(Program program);

    /** Whether {@link #close()} was called. */
    boolean isClosed();

    /** Detaches (a pinned {@link BpfLink} only closes its fd) and releases the fds; idempotent. */
    @Override
    void close();

    /**
     * Opens a link pinned on bpffs by {@link BpfLink#pin(Path)}, possibly by another process. Closing the result only
     * closes the fd; {@link BpfLink#unpin()} then {@code close()} detaches.
     */
    static BpfLink openPinned(Path path) {
        return BpfLink.openPinned(path);
    }
}
