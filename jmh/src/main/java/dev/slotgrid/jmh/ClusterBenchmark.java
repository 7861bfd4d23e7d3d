package dev.slotgrid.jmh;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.slotgrid.GridMap;
import dev.slotgrid.SlotGrid;
import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.SlotTable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Three member JVMs on loopback, the benchmark's JVM being one of them and every call entering
 * through its member: SlotGrid clustered members (Hazelcast membership, SlotGrid's protocol on
 * Netty) against Hazelcast 5.7 members with the same topology, beside the floor of a loopback
 * round trip (a 64-byte ping-pong on blocking sockets to another JVM).
 *
 * <p><b>Hypothesis.</b> A remote SlotGrid {@code get} costs one round trip on its own connection
 * plus a thread handoff on each side, so its latency sits within 1.3× of the ping-pong floor, and
 * it beats Hazelcast's member-to-member operation (about 180 µs median here) on throughput and p99;
 * an async window of 32 keys travels as few frames, so it goes far beyond Hazelcast's.
 *
 * <p><b>Workloads</b>: {@code get}, {@code put} and {@code mix95} (95% get) at 1 and 2 threads,
 * and windows of 32 async gets and puts on 1 thread ({@code *Async32}, each invocation 32 calls
 * awaited together). 10,000 keys of the form {@code key-N}, uniformly drawn; about a third are
 * owned by the benchmark's own member (a local call) and two thirds by the other two.
 * {@code SampleTime} mode: the score is the mean time per call, throughput is threads / mean, and
 * JMH prints the percentiles (p50, p99, p99.9). For {@code tcp-pingpong} every "call" is one
 * 64-byte round trip (an async window: 32 messages written, then 32 read).
 *
 * <p>Set-up per trial: 20 to 60 s (two JVMs started, the slots moved to them, the keys loaded).
 * Run it (from the repository root, after {@code mvn -B -q -pl jmh -am package -DskipTests}):
 *
 * <pre>
 * java @jmh/target/jvm.flags -jar jmh/target/benchmarks.jar ClusterBenchmark -rf json -rff cluster.json
 * </pre>
 *
 * What a backup costs, both grids at 0, 1 and 2 synchronous copies:
 * {@code ... ClusterBenchmark -p impl=slotgrid,hazelcast -p backups=0,1,2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ClusterBenchmark {

    static final String SECRET = "jmh-cluster-secret";
    static final int KEYS = 10_000;
    static final int WINDOW = 32;
    private static final int MESSAGE = 64;
    private static final long SETTLE_SECONDS = 300;

    /** {@code slotgrid} (3 clustered members), {@code hazelcast} (3 members), {@code tcp-pingpong} (the floor). */
    @Param({"tcp-pingpong", "slotgrid", "hazelcast"})
    public String impl;

    /**
     * Synchronous backups per slot (SlotGrid) or partition (Hazelcast's {@code backup-count}); both
     * default to 1. {@code -p backups=0,1,2} measures what a copy costs.
     */
    @Param({"1"})
    public int backups;

    private final List<ChildJvm> children = new ArrayList<>();
    private SlotGrid grid;
    private GridMap<String, Long> slotgrid;
    private HazelcastInstance hazelcast;
    private IMap<String, Long> imap;
    private int echoPort;
    private String[] keys;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        keys = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "key-" + i;
        }
        try {
            switch (impl) {
                case "tcp-pingpong" -> {
                    ChildJvm echo = ChildJvm.start("echo", EchoServerMain.class, List.of(Integer.toString(MESSAGE)), 60);
                    children.add(echo);
                    echoPort = Integer.parseInt(echo.ready().substring(echo.ready().indexOf("port=") + 5).trim());
                }
                case "slotgrid" -> startSlotGrid();
                case "hazelcast" -> startHazelcast();
                default -> throw new IllegalArgumentException("unknown impl '" + impl + "'");
            }
        } catch (RuntimeException | Error e) {
            tearDown();
            throw e;
        }
    }

    private void startSlotGrid() {
        int[] ports = freePorts(3);
        String cluster = "jmh-" + UUID.randomUUID();
        grid = SlotGrid.cluster().clusterName(cluster).memberName("bench").secret(SECRET)
                .membershipPort(ports[0]).seeds("127.0.0.1:" + ports[0]).maxMigrationsInFlight(8).backups(backups)
                .jmx(false).start();
        for (int i = 1; i < 3; i++) {
            children.add(ChildJvm.start("member-" + i, dev.slotgrid.MemberLauncher.class, List.of("--name", "m" + i,
                    "--cluster", cluster, "--port", Integer.toString(ports[i]), "--seeds",
                    "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[i], "--backups", Integer.toString(backups)), 180));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETTLE_SECONDS);
        while (!settled(grid.table(), 3)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the slots did not settle on 3 members within " + SETTLE_SECONDS + " s: "
                        + grid.table());
            }
            pause(200);
        }
        slotgrid = grid.map("bench");
        Map<String, Long> batch = new HashMap<>();
        for (int i = 0; i < KEYS; i++) {
            batch.put(keys[i], (long) i);
            if (batch.size() == 1000) {
                slotgrid.putAll(batch);
                batch.clear();
            }
        }
    }

    private static boolean settled(SlotTable table, int members) {
        if (table.nodes().size() != members || !table.migrations().isEmpty() || table.replicas().holes() > 0) {
            return false; // copies are made once the slots stop moving: measuring before would measure that
        }
        for (NodeInfo node : table.nodes()) {
            if (Math.abs(table.slotCount(node.id()) - SlotTable.SLOTS / members) > 1) {
                return false;
            }
        }
        return true;
    }

    private void startHazelcast() {
        int[] ports = freePorts(3);
        String cluster = "jmh-hz-" + UUID.randomUUID();
        hazelcast = Hazelcast.newHazelcastInstance(HazelcastMemberMain.config(cluster, ports[0], backups, ports));
        for (int i = 1; i < 3; i++) {
            List<String> args = new ArrayList<>(List.of(cluster, Integer.toString(ports[i]), Integer.toString(backups)));
            for (int port : ports) {
                args.add(Integer.toString(port));
            }
            children.add(ChildJvm.start("hazelcast-" + i, HazelcastMemberMain.class, args, 180));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETTLE_SECONDS);
        while (hazelcast.getCluster().getMembers().size() != 3 || !hazelcast.getPartitionService().isClusterSafe()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Hazelcast did not form a safe 3-member cluster within " + SETTLE_SECONDS
                        + " s");
            }
            pause(200);
        }
        imap = hazelcast.getMap("bench");
        Map<String, Long> batch = new HashMap<>();
        for (int i = 0; i < KEYS; i++) {
            batch.put(keys[i], (long) i);
            if (batch.size() == 1000) {
                imap.putAll(batch);
                batch.clear();
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (grid != null) {
            grid.close();
            grid = null;
        }
        if (hazelcast != null) {
            hazelcast.shutdown();
            hazelcast = null;
        }
        for (ChildJvm child : children) {
            child.close();
        }
        children.clear();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis); // the benchmark's set-up polls a condition with a deadline; no test waits here
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static int[] freePorts(int n) {
        int[] ports = new int[n];
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(socket);
                ports[i] = socket.getLocalPort();
            }
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback ports", e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a probe
                }
            }
        }
        return ports;
    }

    // ---------------------------------------------------------------- per thread

    /** A thread's connection to the echo server (ping-pong only). */
    @State(Scope.Thread)
    public static class Pinger {
        Socket socket;
        DataInputStream in;
        OutputStream out;
        final byte[] message = new byte[MESSAGE];
        final byte[] window = new byte[MESSAGE * WINDOW];

        @Setup(Level.Trial)
        public void connect(ClusterBenchmark bench) throws IOException {
            if (bench.impl.equals("tcp-pingpong")) {
                socket = new Socket(InetAddress.getLoopbackAddress(), bench.echoPort);
                socket.setTcpNoDelay(true);
                in = new DataInputStream(socket.getInputStream());
                out = socket.getOutputStream();
            }
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            if (socket != null) {
                socket.close();
            }
        }

        long ping() throws IOException {
            out.write(message);
            in.readFully(message);
            return message[0];
        }

        long pingWindow() throws IOException {
            out.write(window);
            in.readFully(window);
            return window[0];
        }
    }

    private String key() {
        return keys[ThreadLocalRandom.current().nextInt(KEYS)];
    }

    private Object get(Pinger pinger) throws IOException {
        return switch (impl) {
            case "slotgrid" -> slotgrid.get(key());
            case "hazelcast" -> imap.get(key());
            default -> pinger.ping();
        };
    }

    private Object put(Pinger pinger) throws IOException {
        long value = ThreadLocalRandom.current().nextLong();
        return switch (impl) {
            case "slotgrid" -> slotgrid.put(key(), value);
            case "hazelcast" -> imap.put(key(), value);
            default -> pinger.ping();
        };
    }

    private Object mix95(Pinger pinger) throws IOException {
        return ThreadLocalRandom.current().nextInt(100) < 5 ? put(pinger) : get(pinger);
    }

    private Object window(Pinger pinger, boolean write) throws Exception {
        if (impl.equals("tcp-pingpong")) {
            return pinger.pingWindow();
        }
        CompletableFuture<?>[] calls = new CompletableFuture<?>[WINDOW];
        for (int i = 0; i < WINDOW; i++) {
            String key = key();
            long value = i;
            if (impl.equals("slotgrid")) {
                calls[i] = write ? slotgrid.putAsync(key, value) : slotgrid.getAsync(key);
            } else {
                calls[i] = (write ? imap.putAsync(key, value) : imap.getAsync(key)).toCompletableFuture();
            }
        }
        CompletableFuture.allOf(calls).get(60, TimeUnit.SECONDS);
        return calls[WINDOW - 1].join();
    }

    // ---------------------------------------------------------------- workloads

    @Benchmark
    @Group("get_1t")
    @GroupThreads(1)
    public Object get_1t(Pinger pinger) throws IOException {
        return get(pinger);
    }

    @Benchmark
    @Group("get_2t")
    @GroupThreads(2)
    public Object get_2t(Pinger pinger) throws IOException {
        return get(pinger);
    }

    @Benchmark
    @Group("put_1t")
    @GroupThreads(1)
    public Object put_1t(Pinger pinger) throws IOException {
        return put(pinger);
    }

    @Benchmark
    @Group("put_2t")
    @GroupThreads(2)
    public Object put_2t(Pinger pinger) throws IOException {
        return put(pinger);
    }

    @Benchmark
    @Group("mix95_1t")
    @GroupThreads(1)
    public Object mix95_1t(Pinger pinger) throws IOException {
        return mix95(pinger);
    }

    @Benchmark
    @Group("mix95_2t")
    @GroupThreads(2)
    public Object mix95_2t(Pinger pinger) throws IOException {
        return mix95(pinger);
    }

    @Benchmark
    @Group("getAsync32_1t")
    @GroupThreads(1)
    @OperationsPerInvocation(WINDOW)
    public Object getAsync32_1t(Pinger pinger) throws Exception {
        return window(pinger, false);
    }

    @Benchmark
    @Group("putAsync32_1t")
    @GroupThreads(1)
    @OperationsPerInvocation(WINDOW)
    public Object putAsync32_1t(Pinger pinger) throws Exception {
        return window(pinger, true);
    }
}
