package dev.slotgrid;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A clustered member in its own JVM ({@link MemberLauncher}), started by a test on loopback with
 * free ports, driven through its console, bounded in time, and always stopped: by {@link #close()}
 * (in a {@code finally}), and by a shutdown hook if the test's JVM exits first. Its standard
 * output and error are kept in a file for the failure message ({@link #output()}).
 *
 * <p>Not thread-safe: one thread drives one process.
 */
final class MemberProcess implements AutoCloseable {

    private static final Duration ANSWER = Duration.ofSeconds(120);
    private static final int OUTPUT_LINES = 120;

    final String name;
    final int membershipPort;
    private final Process process;
    private final Path log;
    private final PrintStream console;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread onExit;

    private MemberProcess(String name, int membershipPort, Process process, Path log) {
        this.name = name;
        this.membershipPort = membershipPort;
        this.process = process;
        this.log = log;
        this.console = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        this.onExit = new Thread(process::destroyForcibly, "stop-member-" + name);
        Runtime.getRuntime().addShutdownHook(onExit);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    Files.writeString(log, "out| " + line + "\n", StandardCharsets.UTF_8,
                            java.nio.file.StandardOpenOption.APPEND);
                    lines.add(line);
                }
            } catch (IOException gone) {
                // the process ended
            }
        }, "read-member-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a member JVM joining through {@code seeds} (its own port included) and waits for its READY line. */
    static MemberProcess start(String cluster, String name, int membershipPort, List<Integer> seeds) throws IOException {
        Path log = Files.createTempFile("slotgrid-member-" + name + "-", ".log");
        List<String> seedList = new ArrayList<>();
        for (int seed : seeds) {
            seedList.add("127.0.0.1:" + seed);
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dhazelcast.logging.type=none",
                "-cp", System.getProperty("java.class.path"),
                MemberLauncher.class.getName(),
                "--name", name, "--cluster", cluster, "--bind", "127.0.0.1",
                "--port", Integer.toString(membershipPort), "--seeds", String.join(",", seedList),
                "--failure-timeout", "5", "--call-timeout", "30", "--join-timeout", "120"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("SLOTGRID_SECRET", ClusterMembers.SECRET);
        MemberProcess member = new MemberProcess(name, membershipPort, builder.start(), log);
        try {
            String ready = member.next(Duration.ofSeconds(150));
            if (ready == null || !ready.startsWith("READY")) {
                throw new IllegalStateException("member " + name + " did not start: " + ready + "\n" + member.output());
            }
        } catch (RuntimeException e) {
            member.close();
            throw e;
        }
        return member;
    }

    private String next(Duration within) {
        try {
            long deadline = System.nanoTime() + within.toNanos();
            while (true) {
                String line = lines.poll(200, TimeUnit.MILLISECONDS);
                if (line != null) {
                    return line;
                }
                if (!process.isAlive() && lines.isEmpty()) {
                    return null;
                }
                if (System.nanoTime() > deadline) {
                    return null;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Sends one console command and returns its answer line; fails, with the member's output, if none comes. */
    String ask(String command) {
        console.println(command);
        String answer = next(ANSWER);
        if (answer == null) {
            throw new IllegalStateException("member " + name + " gave no answer to '" + command + "' within "
                    + ANSWER.toSeconds() + " s (alive: " + process.isAlive() + ")\n" + output());
        }
        return answer;
    }

    /** Asks, and fails with the member's output unless the answer starts with {@code expected}. */
    String expect(String command, String expected) {
        String answer = ask(command);
        if (!answer.startsWith(expected)) {
            throw new AssertionError("member " + name + " answered '" + answer + "' to '" + command + "'\n" + output());
        }
        return answer.substring(expected.length()).trim();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** kill -9: the process dies at once, without leaving the membership. */
    void kill() throws InterruptedException, IOException {
        new ProcessBuilder("kill", "-9", Long.toString(process.pid())).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Graceful leave through the console; the process exits after its slots moved away. */
    void leave() throws InterruptedException {
        console.println("leave");
        if (!process.waitFor(ANSWER.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("member " + name + " did not exit after leave\n" + output());
        }
    }

    /** What the member printed (standard output and error), for a failure message. */
    String output() {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            int from = Math.max(0, all.size() - OUTPUT_LINES);
            return "---- member " + name + " (pid " + process.pid() + ") output, last " + (all.size() - from) + " of "
                    + all.size() + " lines (all in " + log + ") ----\n" + String.join("\n", all.subList(from, all.size()));
        } catch (IOException e) {
            return "(output of member " + name + " unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        try {
            console.close();
            if (process.isAlive() && !process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException exiting) {
                // the JVM is already exiting: the hook runs
            }
        }
    }
}
