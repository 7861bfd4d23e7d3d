package dev.slotgrid;

import dev.slotgrid.slot.Crc16Partitioner;
import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.spi.Codecs;
import dev.slotgrid.spi.Partitioner;
import dev.slotgrid.spi.Plugins;
import dev.slotgrid.spi.StoreProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Configures and starts a {@link SlotGrid} ({@link SlotGrid#builder()}). Not thread-safe; use one
 * builder per grid. {@link #build()} validates everything and names the first wrong value.
 */
public final class SlotGridBuilder {

    /** The most nodes a builder starts. */
    public static final int MAX_NODES = 1024;

    private record NodeSpec(String name, int weight) {
    }

    final List<NodeSpec> nodes = new ArrayList<>(List.of(new NodeSpec("node-0", 1),
            new NodeSpec("node-1", 1), new NodeSpec("node-2", 1)));
    boolean explicitNodes;
    String name;
    Partitioner partitioner = new Crc16Partitioner();
    StoreProvider storeProvider = new HeapStoreProvider();
    boolean jmx = true;
    int maxRedirects = 16;
    Duration cutoverTimeout = Duration.ofSeconds(30);
    long migrationThrottle = 500_000;
    int maxMigrationsInFlight = 2;
    int migrationBatchSize = 256;
    int indexOutboxCapacity = 65_536;
    int backups;
    boolean hotKeyDetection = true;
    boolean batching = true;
    HotKeyPolicy hotKeyPolicy;
    TransportMode transportMode = TransportMode.IN_JVM;
    Codecs codecs;
    FaultInjector faults;
    final GridPlugins plugins = new GridPlugins();

    SlotGridBuilder() {
    }

    /**
     * Whether asynchronous single-key calls entering through a node travel in per-owner
     * batches (default on; counted in {@link HotKeyStats#batches()}); off runs each at once.
     *
     * @param enabled whether to batch
     * @return this builder
     */
    public SlotGridBuilder batching(boolean enabled) {
        this.batching = enabled;
        return this;
    }

    /**
     * Whether each node samples its operations to find hot keys (default on; about one
     * operation in 16 is sampled into a lock-free queue). Off also turns the policy off.
     *
     * @param enabled whether to detect
     * @return this builder
     */
    public SlotGridBuilder hotKeyDetection(boolean enabled) {
        this.hotKeyDetection = enabled;
        return this;
    }

    /**
     * Lets the grid act on hot keys by itself: near cache for read-hot keys, salting for
     * write-hot keys of mergeable maps, and a return to normal when they cool down (default:
     * no automatic action; the manual API always works). Near caching lets readers see values
     * up to the policy's TTL old; choose it knowingly.
     *
     * @param policy the thresholds, from {@link HotKeyPolicy#defaults()}
     * @return this builder
     */
    public SlotGridBuilder hotKeyPolicy(HotKeyPolicy policy) {
        this.hotKeyPolicy = Objects.requireNonNull(policy, "hotKeyPolicy must not be null");
        return this;
    }

    /**
     * Caps the entries all migrations together ship per second (default 500,000), so that a
     * rebalance leaves the grid's CPU to its traffic. Each slot also counts as 256 entries for
     * its fixed costs, so the default moves at most about 2,000 nearly empty slots a second.
     *
     * @param entriesPerSecond 1 to 1,000,000,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public SlotGridBuilder migrationThrottle(long entriesPerSecond) {
        if (entriesPerSecond < 1 || entriesPerSecond > 1_000_000_000L) {
            throw new IllegalArgumentException("migrationThrottle must be between 1 and 1000000000 entries per second, was "
                    + entriesPerSecond);
        }
        this.migrationThrottle = entriesPerSecond;
        return this;
    }

    /**
     * How many slot migrations run at once (default 2); more are queued.
     *
     * @param migrations 1 to 64
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public SlotGridBuilder maxMigrationsInFlight(int migrations) {
        if (migrations < 1 || migrations > 64) {
            throw new IllegalArgumentException("maxMigrationsInFlight must be between 1 and 64, was " + migrations);
        }
        this.maxMigrationsInFlight = migrations;
        return this;
    }

    /**
     * Entries per batch of a slot's snapshot copy (default 256).
     *
     * @param entries 1 to 65536
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public SlotGridBuilder migrationBatchSize(int entries) {
        if (entries < 1 || entries > 65536) {
            throw new IllegalArgumentException("migrationBatchSize must be between 1 and 65536, was " + entries);
        }
        this.migrationBatchSize = entries;
        return this;
    }

    /**
     * How many GLOBAL index updates a node's outbox holds before writers wait (default 65,536).
     * A write to a map with a GLOBAL index that finds its node's outbox full waits, after its
     * entry is stored and outside every lock, until the outbox's drainer has made room: the
     * index lag stays bounded and so does the memory it takes. The write itself is never
     * refused; {@link IndexStats.Node#writerWaits()} counts the waits.
     *
     * @param updates 1,024 to 16,777,216
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public SlotGridBuilder indexOutboxCapacity(int updates) {
        if (updates < 1_024 || updates > 16_777_216) {
            throw new IllegalArgumentException("indexOutboxCapacity must be between 1024 and 16777216 updates, was "
                    + updates);
        }
        this.indexOutboxCapacity = updates;
        return this;
    }

    /**
     * Starts {@code count} nodes of weight 1 named {@code node-0 .. node-(count-1)}, replacing
     * any node given before.
     *
     * @param count 1 to {@value #MAX_NODES}
     * @return this builder
     * @throws IllegalArgumentException if {@code count} is out of range
     */
    public SlotGridBuilder nodes(int count) {
        if (count < 1 || count > MAX_NODES) {
            throw new IllegalArgumentException("nodes must be between 1 and " + MAX_NODES + ", was " + count);
        }
        nodes.clear();
        for (int i = 0; i < count; i++) {
            nodes.add(new NodeSpec("node-" + i, 1));
        }
        explicitNodes = false;
        return this;
    }

    /**
     * Adds a named node with a placement weight; the first call replaces the default nodes.
     *
     * @param nodeName a unique, non-blank name
     * @param weight 1 to 65536; a node of weight 2 gets twice the slots
     * @return this builder
     * @throws IllegalArgumentException if the name is blank or taken, or the weight out of range
     */
    public SlotGridBuilder node(String nodeName, int weight) {
        Objects.requireNonNull(nodeName, "node name must not be null");
        new NodeInfo(0, nodeName, weight); // validates name and weight with their messages
        if (!explicitNodes) {
            nodes.clear();
            explicitNodes = true;
        }
        if (nodes.stream().anyMatch(spec -> spec.name().equals(nodeName))) {
            throw new IllegalArgumentException("node name '" + nodeName + "' is given twice");
        }
        if (nodes.size() == MAX_NODES) {
            throw new IllegalArgumentException("at most " + MAX_NODES + " nodes");
        }
        nodes.add(new NodeSpec(nodeName, weight));
        return this;
    }

    /**
     * Names the grid (JMX object names and logs). Default: {@code slotgrid-<n>}.
     *
     * @param gridName a non-blank name unique among this JVM's open grids
     * @return this builder
     */
    public SlotGridBuilder name(String gridName) {
        Objects.requireNonNull(gridName, "grid name must not be null");
        if (gridName.isBlank()) {
            throw new IllegalArgumentException("grid name must not be blank");
        }
        this.name = gridName;
        return this;
    }

    /**
     * Selects the partitioner plugin by name through {@link java.util.ServiceLoader}.
     *
     * @param pluginName for example {@code "crc16"} (the default) or {@code "murmur3"}
     * @return this builder
     * @throws IllegalArgumentException if no partitioner has that name; the message lists those available
     */
    public SlotGridBuilder partitioner(String pluginName) {
        this.partitioner = Plugins.load(Partitioner.class, pluginName);
        return this;
    }

    /**
     * Uses a partitioner instance.
     *
     * @param instance the partitioner
     * @return this builder
     */
    public SlotGridBuilder partitioner(Partitioner instance) {
        this.partitioner = Objects.requireNonNull(instance, "partitioner must not be null");
        return this;
    }

    /**
     * Selects the store provider plugin by name through {@link java.util.ServiceLoader}.
     *
     * @param pluginName for example {@code "heap"} (the default)
     * @return this builder
     * @throws IllegalArgumentException if no store provider has that name
     */
    public SlotGridBuilder storeProvider(String pluginName) {
        this.storeProvider = Plugins.load(StoreProvider.class, pluginName);
        return this;
    }

    /**
     * Uses a store provider instance (one the application built, or a test's).
     *
     * @param instance the provider; see its contract
     * @return this builder
     */
    public SlotGridBuilder storeProvider(StoreProvider instance) {
        this.storeProvider = Objects.requireNonNull(instance, "storeProvider must not be null");
        return this;
    }

    /**
     * Registers MBeans for the grid and its nodes (default on).
     *
     * @param enabled whether to register
     * @return this builder
     */
    public SlotGridBuilder jmx(boolean enabled) {
        this.jmx = enabled;
        return this;
    }

    /**
     * How many MOVED redirects one call follows before it fails (default 16).
     *
     * @param redirects 1 to 1000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public SlotGridBuilder maxRedirects(int redirects) {
        if (redirects < 1 || redirects > 1000) {
            throw new IllegalArgumentException("maxRedirects must be between 1 and 1000, was " + redirects);
        }
        this.maxRedirects = redirects;
        return this;
    }

    /**
     * How long a write retries a slot stuck in its cutover window before it fails (default 30 s;
     * a healthy cutover takes micro- to milliseconds).
     *
     * @param timeout positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public SlotGridBuilder cutoverTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "cutoverTimeout must not be null");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("cutoverTimeout must be positive, was " + timeout);
        }
        this.cutoverTimeout = timeout;
        return this;
    }

    /**
     * How members reach each other (default {@link TransportMode#IN_JVM}: the owner's code runs on
     * the caller's thread, with values by reference). {@link TransportMode#SERIALIZING} encodes
     * every message with the {@link #codecs codecs} and runs the callee on another thread, as a
     * network would: to prove that an application's keys and values travel; {@link TransportMode#NETWORK}
     * puts every member behind its own loopback socket and the data-plane protocol.
     *
     * @param mode the binding
     * @return this builder
     */
    public SlotGridBuilder transport(TransportMode mode) {
        this.transportMode = Objects.requireNonNull(mode, "transport mode must not be null");
        return this;
    }

    /**
     * The codecs that turn keys, values and processor arguments into bytes wherever a transport
     * copies messages (default {@link Codecs#defaults()}: the built-ins and the codecs listed in
     * {@code META-INF/services/dev.slotgrid.spi.Codec}, no Java serialization).
     *
     * @param registry the codecs
     * @return this builder
     */
    public SlotGridBuilder codecs(Codecs registry) {
        this.codecs = Objects.requireNonNull(registry, "codecs must not be null");
        return this;
    }

    /**
     * Injects faults into the messages between members (for tests): the grid's members then reach
     * each other through the injector's rules, which may change while the grid runs.
     *
     * @param injector the rules
     * @return this builder
     */
    public SlotGridBuilder faults(FaultInjector injector) {
        this.faults = Objects.requireNonNull(injector, "fault injector must not be null");
        return this;
    }

    /**
     * Copies of each slot on other members, each write confirmed by all of them before it returns
     * (synchronous backups); a member that dies then has its slots promoted on a backup. Not public
     * yet: the copies are laid out when the grid starts and are not re-created after a death or a
     * migration (issue 14), so the option is for the grid's own tests.
     *
     * @param copies 0 to {@value dev.slotgrid.slot.Replicas#MAX_BACKUPS}
     * @return this builder
     * @throws IllegalArgumentException if {@code copies} is out of range
     */
    SlotGridBuilder backups(int copies) {
        if (copies < 0 || copies > dev.slotgrid.slot.Replicas.MAX_BACKUPS) {
            throw new IllegalArgumentException("backups must be between 0 and " + dev.slotgrid.slot.Replicas.MAX_BACKUPS
                    + ", was " + copies);
        }
        this.backups = copies;
        return this;
    }

    ControlParts.Settings controlSettings() {
        return new ControlParts.Settings(migrationThrottle, maxMigrationsInFlight, migrationBatchSize, hotKeyDetection,
                hotKeyPolicy, backups);
    }

    GridConfig config(String gridName) {
        Duration ttl = hotKeyPolicy != null ? hotKeyPolicy.nearCacheTtl() : HotKeyPolicy.defaults().nearCacheTtl();
        return new GridConfig(gridName, partitioner, storeProvider, plugins, maxRedirects, cutoverTimeout.toNanos(), batching,
                hotKeyDetection, ttl, indexOutboxCapacity, backups);
    }

    Transport transport(GridConfig config, java.util.function.IntFunction<String> memberName) {
        Transport binding = switch (transportMode) {
            case SERIALIZING -> new SerializingTransport(messageCodec(), config.gridName());
            case NETWORK -> new LoopbackNetworkTransport(messageCodec(), config.gridName());
            case IN_JVM -> new InJvmTransport();
        };
        return faults == null ? binding : new FaultyTransport(binding, faults, memberName);
    }

    private MessageCodec messageCodec() {
        return new MessageCodec(codecs != null ? codecs : Codecs.defaults());
    }

    List<NodeInfo> nodeInfos() {
        List<NodeInfo> infos = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            infos.add(new NodeInfo(i, nodes.get(i).name(), nodes.get(i).weight()));
        }
        return infos;
    }

    /**
     * Starts the grid.
     *
     * @return the running grid
     * @throws IllegalArgumentException if a grid of the same name is open in this JVM
     */
    public SlotGrid build() {
        if (hotKeyPolicy != null && !hotKeyDetection) {
            throw new IllegalArgumentException("a hotKeyPolicy needs hotKeyDetection on");
        }
        Set<String> names = new HashSet<>();
        for (NodeSpec spec : nodes) {
            if (!names.add(spec.name())) {
                throw new IllegalArgumentException("node name '" + spec.name() + "' is given twice");
            }
        }
        return new SlotGrid(this);
    }
}

