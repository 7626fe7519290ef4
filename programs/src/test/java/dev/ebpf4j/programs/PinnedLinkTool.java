package dev.ebpf4j.programs;

import java.nio.file.Path;

/** Run in a separate JVM by {@link LinkPinIT}: opens a pinned link, prints its info, then unpins and closes it. */
public final class PinnedLinkTool {
    private PinnedLinkTool() {}

    public static void main(String[] args) {
        try (BpfLink link = Link.openPinned(Path.of(args[0]))) {
            System.out.println(link.info());
            link.unpin();
        }
    }
}
