/**
 * Running tests in another kernel: {@link dev.ebpf4j.testkit.guest.GuestKernel} boots a Debian 6.1 or 6.12 kernel
 * under qemu software emulation over a read-only view of this machine, runs the JUnit tests carrying given tags
 * (by convention {@code guest} for tests the host kernel cannot run, such as kprobes and fentry, and
 * {@code guest-smoke}), and returns each test's result for the host run to report.
 *
 * {@snippet class="dev.ebpf4j.testkit.guest.PackageSnippets" region="example"}
 *
 * <p>Requirements: root, x86_64, {@code qemu-system-x86}, {@code busybox-static}, {@code cpio}, {@code kmod}, apt
 * with bookworm (6.1) and bookworm-backports (6.12) sources; about 3 GB of free memory per guest.
 */
package dev.ebpf4j.testkit.guest;
