package dev.ebpf4j.maven.plugin;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.File;
import java.nio.file.Path;

/**
 * Compiles {@code src/test/bpf/*.bpf.c} into CO-RE objects under {@code target/test-classes/<package path>/}, for
 * tests that load them as resources. Skipped with {@code -Dmaven.test.skip}.
 */
@Mojo(name = "test-compile", defaultPhase = LifecyclePhase.GENERATE_TEST_RESOURCES, threadSafe = true)
public class TestCompileMojo extends AbstractBpfMojo {
    /** Where the test {@code *.bpf.c} sources are. */
    @Parameter(property = "ebpf4j.testSourceDirectory", defaultValue = "${project.basedir}/src/test/bpf")
    File testSourceDirectory;

    /** The root the test objects are written under (the package path is appended). */
    @Parameter(property = "ebpf4j.testOutputDirectory", defaultValue = "${project.build.testOutputDirectory}")
    File testOutputDirectory;

    /** Skips this goal along with test compilation. */
    @Parameter(property = "maven.test.skip", defaultValue = "false")
    boolean skipTests;

    @Override
    Path sourceDirectory() {
        return testSourceDirectory.toPath();
    }

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip || skipTests) {
            getLog().info("Skipping BPF test compilation");
            return;
        }
        compileAll(testOutputDirectory.toPath());
    }
}
