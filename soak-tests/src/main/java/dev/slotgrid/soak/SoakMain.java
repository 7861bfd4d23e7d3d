package dev.slotgrid.soak;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The soak harness's command line: {@code ./soak [--option=value ...]} (see
 * {@link SoakConfig#usage()}, or {@code ./soak --help}).
 *
 * <p>Runs one {@link SoakRun}, prints its summary, writes its report directory (JSON, Markdown,
 * HTML with charts) under {@code --report-dir}, and exits with
 * <ul>
 *   <li>0 when every invariant held,
 *   <li>1 when one broke (the summary names it and prints the seed and the command to repeat it),
 *   <li>2 on a bad option,
 *   <li>3 when the harness itself failed.
 * </ul>
 * Ctrl-C ends the load early; the final check and the report still follow.
 */
public final class SoakMain {

    /** Exit status when every invariant held. */
    public static final int PASSED = 0;
    /** Exit status when an invariant broke. */
    public static final int VIOLATED = 1;
    /** Exit status of a bad command line. */
    public static final int USAGE = 2;
    /** Exit status when the harness failed before it could judge the grid. */
    public static final int HARNESS_ERROR = 3;

    /** How long Ctrl-C waits for the final check and the report. */
    static final long STOP_GRACE_SECONDS = 120;

    private SoakMain() {
    }

    /**
     * Runs the soak and exits.
     *
     * @param args options, see {@link SoakConfig#usage()}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /**
     * Runs the soak without exiting the JVM.
     *
     * @param args options
     * @param out where progress, summary and errors go
     * @return the exit status
     */
    public static int run(String[] args, PrintStream out) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.print(SoakConfig.usage());
            return PASSED;
        }
        SoakConfig config;
        try {
            config = SoakConfig.parse(args);
        } catch (IllegalArgumentException e) {
            out.println("soak: " + e.getMessage());
            out.print(SoakConfig.usage());
            return USAGE;
        }
        SoakRun run = new SoakRun(config, out, System.console() != null);
        CountDownLatch reported = new CountDownLatch(1);
        Thread stopOnInterrupt = new Thread(() -> {
            run.stop();
            try {
                reported.await(STOP_GRACE_SECONDS, TimeUnit.SECONDS); // let the final check and report finish
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "soak-stop");
        Runtime.getRuntime().addShutdownHook(stopOnInterrupt);
        try {
            SoakResult result = run.run();
            Path dir = ReportWriter.write(result, config.reportDir());
            out.print(result.summary());
            out.println("  report: " + dir.toAbsolutePath().resolve("report.html"));
            return result.passed() ? PASSED : VIOLATED;
        } catch (RuntimeException | Error e) {
            out.println("soak: the harness failed (seed " + config.seed() + "): " + e);
            e.printStackTrace(out);
            return HARNESS_ERROR;
        } finally {
            reported.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting (Ctrl-C): the hook has run, the report is written
            }
        }
    }
}
