package dev.slotgrid.soak;

import dev.slotgrid.MemberLauncher;
import dev.slotgrid.MemberProcess;
import dev.slotgrid.SlotGrid;
import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.SlotTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
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
 * their output is kept under the report directory ({@link MemberProcess}).
 *
 * <p>Thread-safe.
 */
final class MemberJvms implements MigrationDriver.Members, AutoCloseable {

    static final String SECRET = "soak-secret";
    private static final long START_SECONDS = 120;

    private final String cluster;
    private final int seedPort;
    private final Path logs;
    private final Map<String, MemberProcess> running = new ConcurrentHashMap<>();
    private final KillWindow kills;
    private final java.util.concurrent.atomic.AtomicInteger restarts = new java.util.concurrent.atomic.AtomicInteger();
    private volatile SlotGrid grid;

    MemberJvms(String cluster, int seedPort, Path logs, KillWindow kills) {
        this.cluster = cluster;
        this.seedPort = seedPort;
        this.logs = logs;
        this.kills = kills;
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
        int port = freePort();
        MemberProcess member = MemberProcess.start(new MemberProcess.Spec(cluster, name, port,
                List.of("127.0.0.1:" + seedPort, "127.0.0.1:" + port), SECRET,
                List.of("-Xmx512m", "-Dhazelcast.logging.type=none"), List.of(), logs.resolve("member-" + name + ".log"),
                Duration.ofSeconds(START_SECONDS), Duration.ofSeconds(MigrationDriver.CHANGE_TIMEOUT_SECONDS)));
        running.put(name, member);
    }

    /** Waits until the coordinator's table has {@code members} members with fair shares and nothing moving. */
    boolean awaitSettled(int members, long seconds) {
        return pollUntil(() -> settled(grid.table(), members), seconds);
    }

    /** Waits until the coordinator's table lists every copy of every slot. */
    boolean awaitCopies(long seconds) {
        return pollUntil(() -> grid.table().replicas().holes() == 0, seconds);
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
            MemberProcess member = running.get(name);
            if (member == null) {
                throw new IllegalStateException("no member process named " + name);
            }
            try {
                int status = member.leave();
                if (status != 0) {
                    throw new IllegalStateException("member " + name + " exited with " + status + "\n" + member.output());
                }
            } finally {
                running.remove(name);
                member.kill(); // gone already, or stuck: either way no process is left behind
            }
        });
    }

    @Override
    public CompletableFuture<String> kill(java.util.Random random) {
        List<String> names = new java.util.ArrayList<>(running.keySet());
        names.removeIf(n -> !n.startsWith("member-")); // the churn's own joiners are left to its leaves
        java.util.Collections.sort(names); // the seed alone picks the victim
        if (names.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException("no member process to kill"));
        }
        String name = names.get(random.nextInt(names.size()));
        return CompletableFuture.supplyAsync(() -> {
            kills.opened();
            try {
                MemberProcess member = running.remove(name);
                member.kill();
                if (!pollUntil(() -> grid.table().nodes().stream().noneMatch(n -> n.name().equals(name)),
                        MigrationDriver.CHANGE_TIMEOUT_SECONDS)) {
                    throw new IllegalStateException(name + " was killed but not declared dead: " + grid.table());
                }
                String replacement = name.replaceFirst("-r\\d+$", "") + "-r" + restarts.incrementAndGet();
                start(replacement);
                if (!awaitShare(replacement, MigrationDriver.CHANGE_TIMEOUT_SECONDS)) {
                    throw new IllegalStateException("member " + replacement + " did not receive its share: " + grid.table());
                }
                if (!awaitCopies(MigrationDriver.CHANGE_TIMEOUT_SECONDS)) {
                    throw new IllegalStateException("the copies were not all made again after killing " + name + ": "
                            + grid.table().replicas().holes() + " missing");
                }
                return name;
            } finally {
                kills.closed();
            }
        });
    }

    /** Stops every member process still running, at once (the run is over: nothing is handed over). */
    @Override
    public void close() {
        for (String name : List.copyOf(running.keySet())) {
            MemberProcess member = running.remove(name);
            if (member != null) {
                member.kill();
            }
        }
    }
}
