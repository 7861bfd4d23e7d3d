package dev.slotgrid;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A clustered member in a JVM of its own ({@link MemberLauncher}), started from this JVM on its
 * class path: for demos, tests and soaks that need members in separate processes. Driven through
 * the member's console ({@link #ask}), bounded in time everywhere, and always stopped: by
 * {@link #close()} (in a {@code finally} or try-with-resources), and by a shutdown hook if this
 * JVM exits first. What the process prints (standard output and error) is kept in a log file, for
 * failure messages ({@link #output()}).
 *
 * <p>Thread-safe: {@link #ask} sends a command and reads its answer as one step, so threads that
 * share a process take turns.
 */
public final class MemberProcess implements AutoCloseable {

    private static final int OUTPUT_LINES = 120;

    private final String name;
    private final int membershipPort;
    private final Process process;
    private final Path log;
    private final Duration answerTimeout;
    private final PrintStream console;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread onExit;
    private volatile boolean paused;

    /**
     * How to start a member process.
     *
     * @param cluster the cluster name
     * @param name the member's name
     * @param membershipPort its Hazelcast port on 127.0.0.1
     * @param seeds the membership addresses ({@code host:port}) it joins through, its own included
     * @param secret the cluster's shared secret, handed over in the environment, never on the command line
     * @param jvmOptions options of the child JVM (heap, GC), before the main class
     * @param memberOptions more {@link MemberLauncher} options ({@code --failure-timeout 5}, ...)
     * @param log where its output goes (appended)
     * @param startTimeout how long to wait for it to be admitted
     * @param answerTimeout how long to wait for one console answer, or for its exit after {@code leave}
     */
    public record Spec(String cluster, String name, int membershipPort, List<String> seeds, String secret,
            List<String> jvmOptions, List<String> memberOptions, Path log, Duration startTimeout, Duration answerTimeout) {

        /**
         * Checks and copies.
         *
         * @throws NullPointerException if an argument is {@code null}
         */
        public Spec {
            Objects.requireNonNull(cluster, "cluster must not be null");
            Objects.requireNonNull(name, "name must not be null");
            seeds = List.copyOf(Objects.requireNonNull(seeds, "seeds must not be null"));
            Objects.requireNonNull(secret, "secret must not be null");
            jvmOptions = List.copyOf(Objects.requireNonNull(jvmOptions, "jvmOptions must not be null"));
            memberOptions = List.copyOf(Objects.requireNonNull(memberOptions, "memberOptions must not be null"));
            Objects.requireNonNull(log, "log must not be null");
            Objects.requireNonNull(startTimeout, "startTimeout must not be null");
            Objects.requireNonNull(answerTimeout, "answerTimeout must not be null");
        }
    }

    private MemberProcess(Spec spec, Process process) {
        this.name = spec.name();
        this.membershipPort = spec.membershipPort();
        this.process = process;
        this.log = spec.log();
        this.answerTimeout = spec.answerTimeout();
        this.console = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        this.onExit = new Thread(process::destroyForcibly, "stop-member-" + name);
        Runtime.getRuntime().addShutdownHook(onExit);
        Thread reader = new Thread(this::copyOutput, "read-member-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a member process and waits until it printed {@code READY} (it was admitted).
     *
     * @param spec how
     * @return the running member
     * @throws UncheckedIOException if the process cannot be started
     * @throws IllegalStateException if it exits or stays silent before it is ready (the process is
     *     stopped; the message holds its output)
     */
    public static MemberProcess start(Spec spec) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(spec.jvmOptions());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), MemberLauncher.class.getName(),
                "--name", spec.name(), "--cluster", spec.cluster(), "--bind", "127.0.0.1",
                "--port", Integer.toString(spec.membershipPort()), "--seeds", String.join(",", spec.seeds()),
                "--join-timeout", Long.toString(Math.max(1, spec.startTimeout().toSeconds()))));
        command.addAll(spec.memberOptions());
        MemberProcess member;
        try {
            Files.createDirectories(spec.log().toAbsolutePath().getParent());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.appendTo(spec.log().toFile()));
            builder.environment().put("SLOTGRID_SECRET", spec.secret());
            member = new MemberProcess(spec, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start member process " + spec.name(), e);
        }
        try {
            String ready = member.next(spec.startTimeout().plusSeconds(30));
            if (ready == null || !ready.startsWith("READY")) {
                throw new IllegalStateException("member " + spec.name() + " did not start: " + ready + "\n" + member.output());
            }
        } catch (RuntimeException e) {
            member.kill();
            throw e;
        }
        return member;
    }

    private void copyOutput() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                Files.writeString(log, "out| " + line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                lines.add(line);
            }
        } catch (IOException gone) {
            // the process ended
        }
    }

    /** The next line the member printed, or {@code null} if none came within the time or it exited. */
    private String next(Duration within) {
        try {
            long deadline = System.nanoTime() + within.toNanos();
            while (true) {
                String line = lines.poll(200, TimeUnit.MILLISECONDS);
                if (line != null) {
                    return line;
                }
                if ((!process.isAlive() && lines.isEmpty()) || System.nanoTime() - deadline > 0) {
                    return null;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** @return the member's name */
    public String name() {
        return name;
    }

    /** @return its membership port */
    public int membershipPort() {
        return membershipPort;
    }

    /** @return the process id */
    public long pid() {
        return process.pid();
    }

    /** @return whether the process still runs */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends one console command ({@link MemberLauncher}) and returns its one-line answer.
     *
     * @param command the command line
     * @return the answer
     * @throws IllegalStateException if no answer comes within the answer timeout (the message holds
     *     the member's output)
     */
    public synchronized String ask(String command) {
        console.println(command);
        String answer = next(answerTimeout);
        if (answer == null) {
            throw new IllegalStateException("member " + name + " gave no answer to '" + command + "' within "
                    + answerTimeout.toSeconds() + " s (alive: " + process.isAlive() + ")\n" + output());
        }
        return answer;
    }

    /**
     * Asks, and returns the answer after {@code expected}.
     *
     * @param command the command line
     * @param expected how the answer must begin
     * @return the rest of the answer, trimmed
     * @throws IllegalStateException if the answer begins otherwise, or none comes
     */
    public String expect(String command, String expected) {
        String answer = ask(command);
        if (!answer.startsWith(expected)) {
            throw new IllegalStateException("member " + name + " answered '" + answer + "' to '" + command + "'\n"
                    + output());
        }
        return answer.substring(expected.length()).trim();
    }

    /**
     * Leaves gracefully through the console and waits for the process to exit (its slots move to
     * the others first).
     *
     * @return the exit status
     * @throws IllegalStateException if it does not exit within the answer timeout
     */
    public int leave() {
        console.println("leave");
        try {
            if (!process.waitFor(answerTimeout.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("member " + name + " did not exit after leave\n" + output());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while member " + name + " was leaving", e);
        }
    }

    /** {@code kill -9}: the process dies at once, without leaving the membership. Waits up to 30 s for it to be gone. */
    public void kill() {
        process.destroyForcibly(); // SIGKILL on Unix
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        forgetHook();
    }

    /**
     * {@code kill -STOP}: the process freezes (every thread, its heartbeats too) without knowing it, as
     * a long GC pause or a network blip would look to the others. {@link #resume()} undoes it.
     *
     * @throws IllegalStateException if the signal cannot be sent (no {@code kill} command, or the process is gone)
     */
    public void pause() {
        signal("-STOP");
        paused = true;
    }

    /**
     * {@code kill -CONT}: a paused process runs on, from where it was.
     *
     * @throws IllegalStateException if the signal cannot be sent
     */
    public void resume() {
        signal("-CONT");
        paused = false;
    }

    private void signal(String which) {
        try {
            Process kill = new ProcessBuilder("kill", which, Long.toString(process.pid())).redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                kill.destroyForcibly();
                throw new IllegalStateException("kill " + which + " " + process.pid() + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill " + which + " for member " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling member " + name, e);
        }
    }

    /**
     * What the member printed (standard output and error), its last lines, for a failure message.
     *
     * @return the text, never {@code null}
     */
    public String output() {
        try {
            List<String> all = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
            int from = Math.max(0, all.size() - OUTPUT_LINES);
            return "---- member " + name + " (pid " + process.pid() + ") output, last " + (all.size() - from) + " of "
                    + all.size() + " lines (all in " + log + ") ----\n" + String.join("\n", all.subList(from, all.size()));
        } catch (IOException e) {
            return "(output of member " + name + " unreadable: " + e + ")";
        }
    }

    /**
     * Stops the process: closes its console (it then leaves gracefully), waits up to 10 s, and
     * kills it if it still runs. Idempotent.
     */
    @Override
    public void close() {
        try {
            if (paused && process.isAlive()) {
                resume(); // a frozen process cannot leave
            }
            console.close();
            if (process.isAlive() && !process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            forgetHook();
        }
    }

    private void forgetHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException exiting) {
            // the JVM is already exiting: the hook runs
        }
    }
}
