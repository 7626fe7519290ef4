package dev.ebpf4j.testkit.guest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one guest boot produced.
 *
 * @param series        the kernel series asked for ({@code 6.1}, {@code 6.12})
 * @param kernelRelease {@code uname -r} as seen inside the guest; empty if the guest never ran the job
 * @param exitStatus    the runner's status: the JUnit console launcher's exit code (0 all passed, 1 some failed),
 *                      124 on timeout, 3 if the guest did not boot or did not finish, 2 on setup errors
 * @param results       every test the guest ran, in report order
 * @param consoleLog    the guest's serial console (kernel messages, test tree, stack traces)
 * @param output        the directory holding the reports, the console log and the runner's own log
 * @param elapsed       wall time of the whole run, kernel preparation included
 */
public record GuestRun(String series, String kernelRelease, int exitStatus, List<GuestTestResult> results,
                       Path consoleLog, Path output, Duration elapsed) {
    /** Copies the result list. */
    public GuestRun {
        results = List.copyOf(results);
    }

    /** Whether the guest booted and finished its job (tests may still have failed). */
    public boolean completed() {
        return !kernelRelease.isEmpty() && (exitStatus == 0 || exitStatus == 1);
    }
}
