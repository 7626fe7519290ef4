/**
 * The ebpf4j Maven plugin: goals {@code compile}, {@code test-compile} and {@code generate}, which build
 * {@code *.bpf.c} into CO-RE objects with {@link dev.ebpf4j.core.build.BpfBuilder} and generate Java records for
 * their map key and value structs with {@link dev.ebpf4j.core.build.JavaTypeGenerator}.
 *
 * <pre>{@code
 * <plugin>
 *   <groupId>dev.ebpf4j</groupId>
 *   <artifactId>ebpf4j-maven-plugin</artifactId>
 *   <version>${ebpf4j.version}</version>
 *   <configuration><packageName>com.example.bpf</packageName></configuration>
 *   <executions>
 *     <execution><goals><goal>compile</goal><goal>generate</goal></goals></execution>
 *   </executions>
 * </plugin>
 * }</pre>
 *
 * <p>Requirements: Maven 3.9 running on a JDK 22 or newer, with {@code --enable-native-access=ALL-UNNAMED} in
 * {@code .mvn/jvm.config} (making {@code vmlinux.h} calls libbpf through FFM inside Maven's JVM); clang 14 or newer;
 * the build machine's kernel BTF ({@code /sys/kernel/btf/vmlinux}) or a BTF file given as {@code <btf>}. No root
 * privileges: the goals only compile.
 */
package dev.ebpf4j.maven.plugin;
