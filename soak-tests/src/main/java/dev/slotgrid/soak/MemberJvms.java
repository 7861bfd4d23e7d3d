package dev.slotgrid.soak;

import dev.slotgrid.MemberLauncher;
import dev.slotgrid.SlotGrid;
import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.SlotTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The member processes of a cross-process soak ({@code --jvms}): each a {@link MemberLauncher} JVM
 * on this JVM's class path and loopback, joined through this JVM's member (the coordinator). A join
 * completes once the coordinator's table gives every member its fair share and nothing moves; a
 * leave sends {@code leave} to the member's console and completes once the process exited (its
 * slots handed over first). Every process is stopped by {@link #close()} and on this JVM's exit;
 * their output is kept under the report directory.
 *
 * <p>Thread-safe.
 */
final class MemberJvms implements MigrationDriver.Members, AutoCloseable {

    static final String SECRET = "soak-secret";
    private static final long START_SECONDS = 120;

    private final String cluster;
    private final int seedPort;
    private final Path logs;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private volatile SlotGrid grid;

    private record Running(Process process, PrintStream console, Path log, Thread onExit) {
    }

    MemberJvms(String cluster, int seedPort, Path logs) {
        this.cluster = cluster;
        this.seedPort = seedPort;
        this.logs = logs;
    }

    int seedPort() {
        return seedPort;
    }

    /** The grid as this JVM's member sees it: joins wait on its table. */
    void attach(SlotGrid coordinator) {
        this.grid = coordinator;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /** Starts a member process and waits for its READY line (it has been admitted), at most {@value #START_SECONDS} s. */
    void start(String name) {
        try {
            Files.createDirectories(logs);
            Path log = logs.resolve("member-" + name + ".log");
            int port = freePort();
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                    "-Dhazelcast.logging.type=none", "-cp", System.getProperty("java.class.path"),
                    MemberLauncher.class.getName(), "--name", name, "--cluster", cluster, "--port", Integer.toString(port),
                    "--seeds", "127.0.0.1:" + seedPort + ",127.0.0.1:" + port, "--join-timeout",
                    Long.toString(START_SECONDS)));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.PIPE);
            builder.environment().put("SLOTGRID_SECRET", SECRET);
            Process process = builder.start();
            Thread onExit = new Thread(process::destroyForcibly, "soak-stop-" + name);
            Runtime.getRuntime().addShutdownHook(onExit);
            CompletableFuture<String> ready = new CompletableFuture<>();
            Thread reader = new Thread(() -> copy(process, log, ready), "soak-member-output-" + name);
            reader.setDaemon(true);
            reader.start();
            running.put(name, new Running(process, new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8),
                    log, onExit));
            String line = ready.get(START_SECONDS, TimeUnit.SECONDS);
            if (!line.startsWith("READY")) {
                throw new IllegalStateException("member " + name + " did not start: " + line + " (see " + log + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start member " + name, e);
        } catch (Exception e) {
            stop(name, false);
            throw new IllegalStateException("member " + name + " did not start within " + START_SECONDS + " s: " + e, e);
        }
    }

    private static void copy(Process process, Path log, CompletableFuture<String> ready) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                PrintStream file = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                file.println(line);
                if (line.startsWith("READY")) {
                    ready.complete(line);
                }
            }
            ready.complete("(exited with " + process.waitFor() + ")");
        } catch (IOException | InterruptedException e) {
            ready.complete("(output lost: " + e + ")");
        }
    }

    /** Waits until the coordinator's table has {@code members} members with fair shares and nothing moving. */
    boolean awaitSettled(int members, long seconds) {
        return pollUntil(() -> settled(grid.table(), members), seconds);
    }

    /** Polls the coordinator's view every 200 ms until {@code done} holds or {@code seconds} have passed. */
    private static boolean pollUntil(java.util.function.BooleanSupplier done, long seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(200); // bounded by the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    static boolean settled(SlotTable table, int members) {
        if (table.nodes().size() != members || !table.migrations().isEmpty()) {
            return false;
        }
        long totalWeight = table.nodes().stream().mapToLong(NodeInfo::weight).sum();
        for (NodeInfo node : table.nodes()) {
            long fair = SlotTable.SLOTS * node.weight() / totalWeight;
            if (Math.abs(table.slotCount(node.id()) - fair) > 1) {
                return false;
            }
        }
        return true;
    }

    @Override
    public CompletableFuture<?> join(String name) {
        return CompletableFuture.runAsync(() -> {
            start(name);
            if (!awaitShare(name, MigrationDriver.CHANGE_TIMEOUT_SECONDS)) {
                throw new IllegalStateException("member " + name + " did not receive its share: " + grid.table() + ", "
                        + grid.migrationStats());
            }
        });
    }

    /**
     * Waits until a member that joined holds nearly its fair share and the planned moves are done.
     * Not "exactly fair": the soak's own random migrations keep moving slots meanwhile, as they do
     * while an embedded grid's {@code addNode} moves its share.
     */
    private boolean awaitShare(String name, long seconds) {
        return pollUntil(() -> {
            SlotTable table = grid.table();
            NodeInfo joined = table.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElse(null);
            long fair = (long) SlotTable.SLOTS / table.nodes().size();
            return joined != null && table.slotCount(joined.id()) >= fair * 9 / 10
                    && grid.migrationStats().slotsLeft() < 16;
        }, seconds);
    }

    @Override
    public CompletableFuture<?> leave(String name) {
        return CompletableFuture.runAsync(() -> {
            Running member = running.get(name);
            if (member == null) {
                throw new IllegalStateException("no member process named " + name);
            }
            member.console().println("leave");
            try {
                if (!member.process().waitFor(MigrationDriver.CHANGE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("member " + name + " did not exit after leave (see " + member.log() + ")");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } finally {
                stop(name, true);
            }
            if (member.process().exitValue() != 0) {
                throw new IllegalStateException("member " + name + " exited with " + member.process().exitValue()
                        + " (see " + member.log() + ")");
            }
        });
    }

    private void stop(String name, boolean graceful) {
        Running member = running.remove(name);
        if (member == null) {
            return;
        }
        if (!graceful) {
            member.process().destroyForcibly();
        }
        member.console().close();
        try {
            if (!member.process().waitFor(10, TimeUnit.SECONDS)) {
                member.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            member.process().destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(member.onExit());
        } catch (IllegalStateException exiting) {
            // the hook runs anyway
        }
    }

    /** Stops every member process still running, at once (the run is over: nothing is handed over). */
    @Override
    public void close() {
        for (String name : List.copyOf(running.keySet())) {
            stop(name, false);
        }
    }
}
