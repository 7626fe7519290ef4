package dev.ebpf4j.programs;

import dev.ebpf4j.core.BpfException;
import dev.ebpf4j.programs.internal.Calls;
import dev.ebpf4j.programs.internal.LinkCalls;
import dev.ebpf4j.programs.internal.Libc;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * One walk of a BPF iterator ({@code bpf_iter_create} on an {@link IterProgram}'s link): reading runs the program
 * over the objects, and what it wrote comes back as {@link #lines()}, as fixed-size {@link #records records}, or as
 * bytes through {@link #inputStream()}. Read it once; open another for a fresh walk. The streams close the iterator
 * when they are closed.
 *
 * {@snippet class="dev.ebpf4j.programs.PackageSnippets" region="iterator"}
 *
 * <p>Not thread-safe: one reader. {@link #close()} is idempotent.
 */
public final class BpfIterator implements AutoCloseable {
    private static final int CHUNK = 64 * 1024;
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer = arena.allocate(CHUNK);
    private boolean closed;

    /** Takes ownership of a readable fd (an iterator's, or any other for tests). */
    BpfIterator(int fd) {
        this.fd = fd;
    }

    /**
     * Starts a walk. For an iterator over network namespace objects (tcp, udp, ...) the walk covers the calling
     * thread's namespace.
     */
    public static BpfIterator open(BpfLink link) {
        int linkFd = link.fd();
        int fd = Calls.raw(() -> (int) LinkCalls.ITER_CREATE.invokeExact(linkFd));
        if (fd < 0) throw BpfException.of("iterator create (link fd " + linkFd + ")", fd);
        return new BpfIterator(fd);
    }

    /** The bytes the program writes, read as they come; closing the stream closes the iterator. */
    public InputStream inputStream() {
        return new InputStream() {
            private MemorySegment pending = MemorySegment.NULL;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (len == 0) return 0;
                if (pending.byteSize() == 0) {
                    int n = fill();
                    if (n == 0) return -1;
                    pending = buffer.asSlice(0, n);
                }
                int n = (int) Math.min(len, pending.byteSize());
                MemorySegment.copy(pending, ValueLayout.JAVA_BYTE, 0, b, off, n);
                pending = pending.asSlice(n);
                return n;
            }

            @Override
            public void close() {
                BpfIterator.this.close();
            }
        };
    }

    /** The output as UTF-8 lines (what {@code BPF_SEQ_PRINTF} programs write); closing the stream closes the iterator. */
    public Stream<String> lines() {
        BufferedReader reader = new BufferedReader(new InputStreamReader(inputStream(), StandardCharsets.UTF_8));
        return reader.lines().onClose(this::close);
    }

    /**
     * The output as records of {@code size} bytes each (what {@code bpf_seq_write} of a struct writes), decoded by
     * {@code decoder}; a maps {@code Codec} fits as {@code records(codec.size(), codec::decode)}. Closing the stream
     * closes the iterator.
     *
     * @throws IllegalStateException from the stream when the output ends inside a record
     */
    public <T> Stream<T> records(int size, RecordDecoder<T> decoder) {
        if (size <= 0) throw new IllegalArgumentException("record size must be positive: " + size);
        InputStream in = inputStream();
        Iterator<T> records = new Iterator<>() {
            private final byte[] bytes = new byte[size];
            private final MemorySegment record = MemorySegment.ofArray(bytes);
            private boolean loaded, ended;

            @Override
            public boolean hasNext() {
                if (!loaded && !ended) {
                    int got;
                    try {
                        got = in.readNBytes(bytes, 0, size);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    if (got == 0) ended = true;
                    else if (got < size) throw new IllegalStateException("iterator output ended " + got
                            + " bytes into a record of " + size + ": the program writes records of another size");
                    else loaded = true;
                }
                return loaded;
            }

            @Override
            public T next() {
                if (!hasNext()) throw new NoSuchElementException();
                loaded = false;
                return decoder.decode(record, 0);
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(records, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(this::close);
    }

    /** Reads the whole output. */
    public byte[] readAllBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = inputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private synchronized int fill() {
        if (closed) throw new IllegalStateException("iterator is closed");
        return Libc.read(fd, buffer, "iterator read");
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        Libc.close(fd);
        arena.close();
    }

    /** Decodes one record from its bytes; {@code Codec::decode} of the maps module has this shape. */
    @FunctionalInterface
    public interface RecordDecoder<T> {
        T decode(MemorySegment record, long offset);
    }
}
