package dev.slotgrid.jmh;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A process of the benchmark's topology (another member, an echo server): a JVM on this fork's
 * class path, started with a main class and its arguments, ready once it prints a line starting
 * with {@code READY}; its output is kept in a file for the error message. Stopped by
 * {@link #close()} (end of its input, then forcibly), and forcibly on this JVM's exit.
 */
final class ChildJvm implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread onExit;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.onExit = new Thread(process::destroyForcibly, "stop-" + name);
        Runtime.getRuntime().addShutdownHook(onExit);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // the process is gone
            }
        }, "read-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code main} with {@code args} and waits up to {@code readySeconds} for its READY line (returned). */
    static ChildJvm start(String name, Class<?> main, List<String> args, long readySeconds) {
        try {
            Path log = Files.createTempFile("slotgrid-jmh-" + name + "-", ".log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-Dhazelcast.logging.type=none", "-Dhazelcast.phone.home.enabled=false",
                    "-cp", System.getProperty("java.class.path"), main.getName()));
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
            builder.environment().put("SLOTGRID_SECRET", ClusterBenchmark.SECRET);
            ChildJvm child = new ChildJvm(name, builder.start(), log);
            String ready = child.lines.poll(readySeconds, TimeUnit.SECONDS);
            if (ready == null || !ready.startsWith("READY")) {
                child.close();
                throw new IllegalStateException(name + " did not start within " + readySeconds + " s (said: " + ready
                        + "); its errors: " + Files.readString(log));
            }
            child.ready = ready;
            return child;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting " + name, e);
        }
    }

    private String ready;

    /** The READY line the process printed. */
    String ready() {
        return ready;
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close(); // a member leaves (gracefully) at the end of its input
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException exiting) {
                // the hook runs anyway
            }
        }
    }
}
