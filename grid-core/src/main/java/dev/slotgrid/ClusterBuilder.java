package dev.slotgrid;

import dev.slotgrid.spi.Codecs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Configures and starts this process's member of a clustered grid ({@link SlotGrid#cluster()}):
 * one member per JVM, the members forming one grid over the network, with the same
 * {@link GridMap} API as an embedded grid.
 *
 * <pre>{@code
 * try (SlotGrid grid = SlotGrid.cluster().memberName("a").clusterName("shop").secret(secret)
 *         .membershipPort(5701).seeds("127.0.0.1:5701", "127.0.0.1:5702").start()) {
 *     GridMap<String, Long> counters = grid.map("counters");
 * }
 * }</pre>
 *
 * <p>Membership, discovery and failure detection come from an embedded Hazelcast member (TCP-IP
 * join to the seeds; multicast, auto-detection and phone-home off); the data between members
 * travels on SlotGrid's own protocol on Netty. Both listen on {@code bindAddress} (loopback by
 * default). A member with another cluster name or another secret is refused at the join and at
 * the data plane's handshake. Every member of one grid must be given the same partitioner,
 * codecs and plugins (extractors, mergers, entry processors are resolved by name in each process).
 *
 * <p>Not thread-safe; use one builder per member. {@link #start()} validates everything and names
 * the first wrong value.
 */
public final class ClusterBuilder {

    private static final int DEFAULT_MIGRATIONS_IN_FLIGHT = 8;

    private final SlotGridBuilder grid = new SlotGridBuilder();
    private String clusterName = "slotgrid";
    private String memberName;
    private String secret = "";
    private String bindAddress = "127.0.0.1";
    private int membershipPort = 5701;
    private int dataPort;
    private final List<String> seeds = new ArrayList<>();
    private int weight = 1;
    private Duration failureTimeout = Duration.ofSeconds(10);
    private Duration callTimeout = Duration.ofSeconds(30);
    private Duration spinWait = Duration.ofNanos(NetworkTransport.DEFAULT_SPIN_NANOS);
    private Duration joinTimeout = Duration.ofSeconds(60);
    private int maxInFlight = 4096;
    private int maxFrameBytes = 16 * 1024 * 1024;
    boolean jmx = true;

    ClusterBuilder() {
        grid.maxMigrationsInFlight(DEFAULT_MIGRATIONS_IN_FLIGHT);
        grid.backups(1);
    }

    /**
     * This member's name: unique in the cluster, and stable across restarts of the same service
     * instance (a member that comes back under its name is a new incarnation: it starts empty).
     *
     * @param name not blank
     * @return this builder
     */
    public ClusterBuilder memberName(String name) {
        Objects.requireNonNull(name, "member name must not be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("member name must not be blank");
        }
        this.memberName = name;
        return this;
    }

    /**
     * The cluster's name (default {@code "slotgrid"}): members of one grid share it.
     *
     * @param name not blank
     * @return this builder
     */
    public ClusterBuilder clusterName(String name) {
        Objects.requireNonNull(name, "cluster name must not be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("cluster name must not be blank");
        }
        this.clusterName = name;
        return this;
    }

    /**
     * The secret every member of the cluster shares (default none): proven, never sent, at the
     * membership join and the data plane's handshake.
     *
     * @param sharedSecret any text
     * @return this builder
     */
    public ClusterBuilder secret(String sharedSecret) {
        this.secret = Objects.requireNonNull(sharedSecret, "secret must not be null");
        return this;
    }

    /**
     * The address both ports listen on (default {@code 127.0.0.1}).
     *
     * @param address an IP address of this host
     * @return this builder
     */
    public ClusterBuilder bindAddress(String address) {
        Objects.requireNonNull(address, "bind address must not be null");
        if (address.isBlank()) {
            throw new IllegalArgumentException("bind address must not be blank");
        }
        this.bindAddress = address;
        return this;
    }

    /**
     * The membership's (Hazelcast's) port (default 5701).
     *
     * @param port 1 to 65535
     * @return this builder
     */
    public ClusterBuilder membershipPort(int port) {
        this.membershipPort = checkPort(port, "membershipPort", 1);
        return this;
    }

    /**
     * The data plane's port (default 0: any free port; the others learn it through the membership).
     *
     * @param port 0 to 65535
     * @return this builder
     */
    public ClusterBuilder dataPort(int port) {
        this.dataPort = checkPort(port, "dataPort", 0);
        return this;
    }

    private static int checkPort(int port, String what, int min) {
        if (port < min || port > 65535) {
            throw new IllegalArgumentException(what + " must be between " + min + " and 65535, was " + port);
        }
        return port;
    }

    /**
     * Membership addresses ({@code host:port}) of members to join through; none starts a new grid.
     *
     * @param hostPorts each {@code host:port}
     * @return this builder
     */
    public ClusterBuilder seeds(String... hostPorts) {
        Objects.requireNonNull(hostPorts, "seeds must not be null");
        for (int i = 0; i < hostPorts.length; i++) {
            String seed = hostPorts[i];
            if (seed == null || !seed.matches("[^:\\s]+:\\d{1,5}")) {
                throw new IllegalArgumentException("seed " + i + " must be host:port, was '" + seed + "'");
            }
            seeds.add(seed);
        }
        return this;
    }

    /**
     * This member's placement weight (default 1): a member of weight 2 gets twice the slots.
     *
     * @param placementWeight 1 to 65536
     * @return this builder
     */
    public ClusterBuilder weight(int placementWeight) {
        if (placementWeight < 1 || placementWeight > 65536) {
            throw new IllegalArgumentException("weight must be between 1 and 65536, was " + placementWeight);
        }
        this.weight = placementWeight;
        return this;
    }

    /**
     * How long a member may stay silent before the others declare it dead (default 10 s).
     *
     * @param timeout 2 s to 10 minutes
     * @return this builder
     */
    public ClusterBuilder failureTimeout(Duration timeout) {
        this.failureTimeout = checkDuration(timeout, "failureTimeout", Duration.ofSeconds(2), Duration.ofMinutes(10));
        return this;
    }

    /**
     * How long a call to another member waits for its reply (default 30 s): past it, a read fails
     * with {@link MemberUnavailableException} and a write with {@link IndeterminateOperationException}.
     *
     * @param timeout 10 ms to 10 minutes
     * @return this builder
     */
    public ClusterBuilder callTimeout(Duration timeout) {
        this.callTimeout = checkDuration(timeout, "callTimeout", Duration.ofMillis(10), Duration.ofMinutes(10));
        return this;
    }

    /**
     * How long a synchronous call to another member spins on its reply before its thread parks
     * (default 50 µs; zero: park at once). The spin runs only while the caller is the only one in
     * this JVM waiting for a reply, so it costs at most this much of one core per call and never
     * competes with other callers for the cores. On a loopback round trip it saves the wake-up of a
     * parked thread: measured on 2 cores, a remote {@code get} from one thread goes from 32 µs to
     * 29 µs mean, p50 from 38 µs to 32 µs ({@code docs/benchmarks.md}). Asynchronous calls never spin.
     *
     * @param spin zero to 1 ms
     * @return this builder
     */
    public ClusterBuilder spinWait(Duration spin) {
        this.spinWait = checkDuration(spin, "spinWait", Duration.ZERO, Duration.ofMillis(1));
        return this;
    }

    /**
     * How long {@link #start()} waits to be admitted by the cluster's coordinator (default 60 s).
     *
     * @param timeout 1 s to 1 hour
     * @return this builder
     */
    public ClusterBuilder joinTimeout(Duration timeout) {
        this.joinTimeout = checkDuration(timeout, "joinTimeout", Duration.ofSeconds(1), Duration.ofHours(1));
        return this;
    }

    private static Duration checkDuration(Duration value, String what, Duration min, Duration max) {
        Objects.requireNonNull(value, what + " must not be null");
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    /**
     * Requests outstanding to one member before callers wait for room (default 4096).
     *
     * @param requests 1 to 1,000,000
     * @return this builder
     */
    public ClusterBuilder maxInFlight(int requests) {
        if (requests < 1 || requests > 1_000_000) {
            throw new IllegalArgumentException("maxInFlight must be between 1 and 1000000, was " + requests);
        }
        this.maxInFlight = requests;
        return this;
    }

    /**
     * The largest data-plane frame accepted (default 16 MiB); a bigger one closes its connection.
     *
     * @param bytes 64 KiB to 1 GiB
     * @return this builder
     */
    public ClusterBuilder maxFrameBytes(int bytes) {
        if (bytes < 64 * 1024 || bytes > 1 << 30) {
            throw new IllegalArgumentException("maxFrameBytes must be between 65536 and 1073741824, was " + bytes);
        }
        this.maxFrameBytes = bytes;
        return this;
    }

    /**
     * The codecs for keys, values and arguments between members; see {@link SlotGridBuilder#codecs}.
     *
     * @param registry the codecs, the same on every member
     * @return this builder
     */
    public ClusterBuilder codecs(Codecs registry) {
        grid.codecs(registry);
        return this;
    }

    /**
     * The partitioner plugin; see {@link SlotGridBuilder#partitioner(String)}.
     *
     * @param pluginName the same on every member
     * @return this builder
     */
    public ClusterBuilder partitioner(String pluginName) {
        grid.partitioner(pluginName);
        return this;
    }

    /**
     * The hot-key policy the coordinator applies; see {@link SlotGridBuilder#hotKeyPolicy}.
     *
     * @param policy the thresholds
     * @return this builder
     */
    public ClusterBuilder hotKeyPolicy(HotKeyPolicy policy) {
        grid.hotKeyPolicy(policy);
        return this;
    }

    /**
     * The migration throttle; see {@link SlotGridBuilder#migrationThrottle}.
     *
     * @param entriesPerSecond 1 to 1,000,000,000
     * @return this builder
     */
    public ClusterBuilder migrationThrottle(long entriesPerSecond) {
        grid.migrationThrottle(entriesPerSecond);
        return this;
    }

    /**
     * How many slots the coordinator moves at once when this member coordinates (default 8, where
     * an embedded grid's is 2: a move between processes is a dozen round trips and two table
     * publications, and waits on them rather than on a CPU, so more in flight fills a joining
     * member faster).
     *
     * @param migrations 1 to 64
     * @return this builder
     */
    public ClusterBuilder maxMigrationsInFlight(int migrations) {
        grid.maxMigrationsInFlight(migrations);
        return this;
    }

    /**
     * Copies of each slot besides its owner's (default 1), each on another member: a write is
     * acknowledged once every copy applied it (synchronous backups), so a member killed at any
     * moment loses no acknowledged write while each of its slots has a copy elsewhere; its slots are
     * promoted on their copies and the missing copies re-created from the new owners, throttled.
     * A slot whose owner and every copy died is lost ({@link SlotLostException}), never served
     * empty. With 0, a member that dies takes its slots' data with it.
     *
     * <p>The coordinator's setting rules: the member that founds the grid lays out the copies, and
     * the others follow its table. A grid of fewer than {@code copies + 1} members has fewer copies
     * until enough join. Cost: a write waits for one more round trip, shared by every write of its
     * slot sent in the same batch ({@code docs/benchmarks.md}); each member holds about
     * {@code copies} times its own data again.
     *
     * @param copies 0 to 6
     * @return this builder
     */
    public ClusterBuilder backups(int copies) {
        grid.backups(copies);
        return this;
    }

    /**
     * Injects faults into what this member sends to the others (for tests of failure handling): the
     * injector's rules, and its {@link FaultInjector#partition partitions}, which cut off this member
     * by name. Several members of one test may share one injector. The membership (Hazelcast) is not
     * affected: a partition here cuts the data plane only.
     *
     * @param injector the rules
     * @return this builder
     */
    public ClusterBuilder faults(FaultInjector injector) {
        grid.faults(injector);
        return this;
    }

    FaultInjector faults() {
        return grid.faults;
    }

    /**
     * Whether to register MBeans (default on).
     *
     * @param enabled whether to register
     * @return this builder
     */
    public ClusterBuilder jmx(boolean enabled) {
        this.jmx = enabled;
        grid.jmx(enabled);
        return this;
    }

    /**
     * Starts this member: joins the cluster through the seeds (or founds it), and returns once the
     * coordinator has admitted it; it then receives its share of the slots live.
     *
     * @return the grid, as this member sees it
     * @throws IllegalArgumentException if no member name was given
     * @throws IllegalStateException if a port cannot be bound, or the member is not admitted within the join timeout
     */
    public SlotGrid start() {
        if (memberName == null) {
            throw new IllegalArgumentException("a clustered member needs a memberName");
        }
        return new SlotGrid(this);
    }

    // ---------------------------------------------------------------- for the member's start

    String gridName() {
        return clusterName + "/" + memberName;
    }

    String clusterName() {
        return clusterName;
    }

    ClusterSettings settings() {
        return new ClusterSettings(clusterName, memberName, secret, bindAddress, membershipPort, dataPort, List.copyOf(seeds),
                weight, failureTimeout, callTimeout, spinWait, maxInFlight, maxFrameBytes);
    }

    ControlParts.Settings controlSettings() {
        return grid.controlSettings();
    }

    GridConfig config() {
        return grid.config(gridName());
    }

    Codecs codecs() {
        return grid.codecs != null ? grid.codecs : Codecs.defaults();
    }

    Duration joinTimeout() {
        return joinTimeout;
    }
}
