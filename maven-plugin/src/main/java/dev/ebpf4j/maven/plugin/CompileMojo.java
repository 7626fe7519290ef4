package dev.ebpf4j.maven.plugin;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.File;
import java.nio.file.Path;

/**
 * Compiles {@code src/main/bpf/*.bpf.c} into CO-RE objects under {@code target/classes/<package path>/}, so they are
 * packaged into the jar as resources. A clang error fails the build and names file and line.
 */
@Mojo(name = "compile", defaultPhase = LifecyclePhase.GENERATE_RESOURCES, threadSafe = true)
public class CompileMojo extends AbstractBpfMojo {
    /** Where the {@code *.bpf.c} sources are. */
    @Parameter(property = "ebpf4j.sourceDirectory", defaultValue = "${project.basedir}/src/main/bpf")
    File sourceDirectory;

    /** The root the objects are written under (the package path is appended). */
    @Parameter(property = "ebpf4j.outputDirectory", defaultValue = "${project.build.outputDirectory}")
    File outputDirectory;

    @Override
    Path sourceDirectory() {
        return sourceDirectory.toPath();
    }

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipping BPF compilation (ebpf4j.skip)");
            return;
        }
        compileAll(outputDirectory.toPath());
    }
}
