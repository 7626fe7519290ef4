package dev.ebpf4j.maps;

import dev.ebpf4j.core.BpfObject;
import dev.ebpf4j.core.MapHandle;
import dev.ebpf4j.core.ProgramHandle;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The test BPF object ({@link TestObjects#load}), loaded once for a test class and closed after it, with its build
 * directory removed: {@code @RegisterExtension static final LoadedTestObject obj = new LoadedTestObject();}.
 */
final class LoadedTestObject implements BeforeAllCallback, AfterAllCallback {
    private Path temp;
    private BpfObject object;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        temp = Files.createTempDirectory("e4j-maps-test");
        object = TestObjects.load(temp);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (object != null) object.close();
        try (Stream<Path> files = Files.walk(temp)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    MapHandle map(String name) {
        return object.map(name);
    }

    ProgramHandle program(String name) {
        return object.program(name);
    }
}
