package dev.slotgrid;

import dev.slotgrid.slot.Crc16Partitioner;
import dev.slotgrid.slot.Move;
import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.PlacementPlanner;
import dev.slotgrid.slot.Plan;
import dev.slotgrid.slot.SlotTable;
import dev.slotgrid.spi.Partitioner;
import dev.slotgrid.spi.Plugins;
import dev.slotgrid.spi.StoreProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * An embedded SlotGrid cluster: N nodes in this JVM sharing 16384 slots.
 *
 * <pre>{@code
 * try (SlotGrid grid = SlotGrid.builder().nodes(3).build()) {
 *     GridMap<String, Long> counters = grid.map("counters");
 *     counters.merge("page:home", 1L, Long::sum);
 * }
 * }</pre>
 *
 * <p>Thread-safe. Each node has its own storage and its own reference to the current slot table;
 * the grid holds the newest table and publishes every change to each node by a reference swap.
 * Membership changes are serialized; map operations never wait for them.
 *
 * <p>Failure: operations on a closed grid throw {@link IllegalStateException}. The library logs
 * through {@link System.Logger} (route it to SLF4J with {@code slf4j-jdk-platform-logging}) at
 * DEBUG for lifecycle events and WARNING for anomalies only; it never writes to standard output.
 */
public final class SlotGrid implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SlotGrid.class.getName());
    private static final AtomicInteger GRID_COUNTER = new AtomicInteger();
    private static final long SEAL_DRAIN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String name;
    private final Partitioner partitioner;
    private final StoreProvider storeProvider;
    private final int maxRedirects;
    private final long cutoverTimeoutNanos;
    private final MapRegistry maps = new MapRegistry();
    private final AtomicReference<SlotTable> table;
    private final Object membershipLock = new Object();
    private final AtomicInteger nextNodeId;
    private final Jmx jmx;
    private volatile GridNode[] peers;
    private volatile boolean closed;

    private SlotGrid(Builder builder) {
        this.name = builder.name != null ? builder.name : "slotgrid-" + GRID_COUNTER.incrementAndGet();
        this.partitioner = builder.partitioner;
        this.storeProvider = builder.storeProvider;
        this.maxRedirects = builder.maxRedirects;
        this.cutoverTimeoutNanos = builder.cutoverTimeout.toNanos();
        List<NodeInfo> infos = new ArrayList<>();
        for (int i = 0; i < builder.nodes.size(); i++) {
            infos.add(new NodeInfo(i, builder.nodes.get(i).name(), builder.nodes.get(i).weight()));
        }
        SlotTable initial = SlotTable.initial(infos);
        this.table = new AtomicReference<>(initial);
        this.nextNodeId = new AtomicInteger(infos.size());
        GridNode[] nodes = new GridNode[infos.size()];
        for (NodeInfo info : infos) {
            nodes[info.id()] = new GridNode(this, info, initial);
        }
        this.peers = nodes;
        this.jmx = builder.jmx ? new Jmx() : null;
        if (jmx != null) {
            if (Jmx.isRegistered(name)) {
                throw new IllegalArgumentException("a grid named '" + name + "' is already registered in this JVM's"
                        + " MBean server; choose another name or close that grid");
            }
            jmx.registerGrid(this);
            for (GridNode node : nodes) {
                jmx.registerNode(name, node);
            }
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "started grid " + name + " with " + initial);
    }

    /**
     * A builder with the defaults: 3 nodes of weight 1, partitioner {@code "crc16"}, store provider
     * {@code "heap"}, JMX on, 16 redirects, 30 s cutover timeout.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the grid's name (JMX and logs) */
    public String name() {
        return name;
    }

    /** @return the partitioner that maps keys to slots */
    public Partitioner partitioner() {
        return partitioner;
    }

    /**
     * The grid's newest slot table; each node's own may briefly lag it.
     *
     * @return the table
     */
    public SlotTable table() {
        return table.get();
    }

    /**
     * The active nodes, by id.
     *
     * @return an immutable list
     */
    public List<GridNode> nodes() {
        return activeNodes();
    }

    /**
     * The active node with a name.
     *
     * @param nodeName the name
     * @return the node
     * @throws IllegalArgumentException if no active node has that name; the message lists them
     */
    public GridNode node(String nodeName) {
        for (GridNode node : activeNodes()) {
            if (node.name().equals(nodeName)) {
                return node;
            }
        }
        throw new IllegalArgumentException("no active node named '" + nodeName + "'; nodes: "
                + activeNodes().stream().map(GridNode::name).toList());
    }

    /**
     * A handle on a named map entering through the first active node; see
     * {@link GridNode#map(String)} to choose the entry node.
     *
     * @param mapName the map's name, 1 to 255 characters
     * @param <K> the key type
     * @param <V> the value type
     * @return the map handle
     * @throws IllegalStateException if the grid is closed
     */
    public <K, V> GridMap<K, V> map(String mapName) {
        requireOpen();
        return activeNodes().get(0).map(mapName);
    }

    /**
     * A snapshot of every node's counters and the load skew. Cost: see {@link GridNode#stats()}.
     *
     * @return the snapshot
     */
    public GridStats stats() {
        List<NodeStats> all = new ArrayList<>();
        for (GridNode node : activeNodes()) {
            all.add(node.stats());
        }
        return new GridStats(table().epoch(), all);
    }

    /**
     * Adds a node. The planner gives it its weighted share of the slots, taken from the other
     * nodes with the fewest moves. Live migration of slots that hold data comes with the migration
     * manager; until then a change that would move a slot holding data is refused and changes
     * nothing.
     *
     * @param nodeName a name no active node has
     * @param weight the placement weight, 1 to 65536
     * @return a future of the new node, completed when the layout is final, or failed with an
     *     {@link IllegalStateException} when the change was refused
     * @throws IllegalArgumentException if the name is taken or blank, or the weight out of range
     * @throws IllegalStateException if the grid is closed
     */
    public CompletableFuture<GridNode> addNode(String nodeName, int weight) {
        synchronized (membershipLock) {
            requireOpen();
            Objects.requireNonNull(nodeName, "node name must not be null");
            for (GridNode node : activeNodes()) {
                if (node.name().equals(nodeName)) {
                    throw new IllegalArgumentException("a node named '" + nodeName + "' is already in the grid");
                }
            }
            NodeInfo info = new NodeInfo(nextNodeId.get(), nodeName, weight);
            nextNodeId.incrementAndGet();
            SlotTable current = table();
            List<NodeInfo> members = new ArrayList<>(current.nodes());
            members.add(info);
            Plan plan = PlacementPlanner.plan(current, members);
            SlotTable registered = current.withNode(info);
            GridNode node = new GridNode(this, info, registered);
            addPeer(node);
            publish(registered);
            try {
                handOverEmptySlots("add node '" + nodeName + "'", plan.moves(), registered.withLayout(plan.target().owners()));
            } catch (IllegalStateException refused) {
                publish(table().withoutNode(info.id()));
                node.markLeft();
                return CompletableFuture.failedFuture(refused);
            }
            if (jmx != null) {
                jmx.registerNode(name, node);
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "added " + node + "; " + table());
            return CompletableFuture.completedFuture(node);
        }
    }

    /**
     * Removes a node gracefully: its slots go to the others first. Refused, changing nothing, when
     * a slot to move holds data (until the migration manager), or when it is the last node.
     *
     * @param nodeName an active node's name
     * @return a future completed when the node has left, or failed with an
     *     {@link IllegalStateException} when the change was refused
     * @throws IllegalArgumentException if no active node has that name
     * @throws IllegalStateException if the grid is closed
     */
    public CompletableFuture<Void> removeNode(String nodeName) {
        synchronized (membershipLock) {
            requireOpen();
            GridNode leaving = node(nodeName);
            List<GridNode> active = activeNodes();
            if (active.size() == 1) {
                return CompletableFuture.failedFuture(new IllegalStateException("cannot remove '" + nodeName
                        + "': it is the last node of the grid"));
            }
            SlotTable current = table();
            List<NodeInfo> members = new ArrayList<>(current.nodes());
            members.removeIf(info -> info.id() == leaving.id());
            Plan plan = PlacementPlanner.plan(current, members);
            try {
                handOverEmptySlots("remove node '" + nodeName + "'", plan.moves(), current.withLayout(plan.target().owners()));
            } catch (IllegalStateException refused) {
                return CompletableFuture.failedFuture(refused);
            }
            publish(table().withoutNode(leaving.id()));
            leaving.markLeft();
            if (jmx != null) {
                jmx.unregisterNode(name, leaving);
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "removed " + leaving + "; " + table());
            return CompletableFuture.completedFuture(null);
        }
    }

    /**
     * Hands slots over when none of them holds data: seal every source (writers arriving meanwhile
     * retry), wait for the writers inside, and either refuse (unseal all, nothing changed) or switch
     * each slot to its new owner and publish {@code next}.
     */
    private void handOverEmptySlots(String change, List<Move> moves, SlotTable next) {
        List<SlotStore> sealed = new ArrayList<>(moves.size());
        try {
            for (Move move : moves) {
                SlotStore store = peer(move.from()).store(move.slot());
                if (!store.seal()) {
                    throw new IllegalStateException("cannot " + change + ": slot " + move.slot() + " is busy ("
                            + SlotStore.stateName(store.state()) + ")");
                }
                sealed.add(store);
            }
            long entries = 0;
            int slotsWithData = 0;
            for (SlotStore store : sealed) {
                awaitNoWriters(store);
                long held = store.entryCount();
                entries += held;
                slotsWithData += held > 0 ? 1 : 0;
            }
            if (entries > 0) {
                throw new IllegalStateException("cannot " + change + ": it moves " + moves.size() + " slots, " + slotsWithData
                        + " of which hold " + entries + " entries, and live migration of data is not available;"
                        + " change membership before loading data");
            }
        } catch (IllegalStateException refused) {
            for (SlotStore store : sealed) {
                store.cancelMigration();
            }
            throw refused;
        }
        for (Move move : moves) {
            GridNode to = peer(move.to());
            to.setStore(move.slot(), to.newOwnedStore(move.slot(), next.epoch()));
            peer(move.from()).store(move.slot()).forward(move.to(), next.epoch());
        }
        publish(next);
    }

    private static void awaitNoWriters(SlotStore store) {
        long start = System.nanoTime();
        for (int spins = 0; store.writersInside() > 0; spins++) {
            if (System.nanoTime() - start > SEAL_DRAIN_TIMEOUT_NANOS) {
                throw new IllegalStateException("writers did not leave sealed slot " + store.slot + " within 10 s");
            }
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /**
     * Closes the grid: every node leaves, MBeans are unregistered, data is dropped. Idempotent.
     * Calls in flight may complete; later calls throw {@link IllegalStateException}.
     */
    @Override
    public void close() {
        synchronized (membershipLock) {
            if (closed) {
                return;
            }
            closed = true;
            for (GridNode node : peers) {
                if (node != null) {
                    node.markLeft();
                }
            }
            if (jmx != null) {
                jmx.unregisterAll();
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "closed grid " + name);
        }
    }

    /** @return {@code true} once {@link #close()} was called */
    public boolean isClosed() {
        return closed;
    }

    // ---------------------------------------------------------------- package-private plumbing

    int slotOf(Object key) {
        return Partitioner.checkedSlotOf(partitioner, key);
    }

    MapRegistry maps() {
        return maps;
    }

    int maxRedirects() {
        return maxRedirects;
    }

    long cutoverTimeoutNanos() {
        return cutoverTimeoutNanos;
    }

    /** The node with an id, active or not (a node that left still answers MOVED for stale callers). */
    GridNode peer(int id) {
        return peers[id];
    }

    List<GridNode> activeNodes() {
        List<GridNode> active = new ArrayList<>();
        for (GridNode node : peers) {
            if (node != null && node.isActive()) {
                active.add(node);
            }
        }
        return List.copyOf(active);
    }

    IntFunction<ConcurrentMap<Object, Object>> opener(int slot) {
        return mapId -> storeProvider.open(maps.nameOf(mapId), slot);
    }

    void requireOpen() {
        if (closed) {
            throw new IllegalStateException("grid '" + name + "' is closed");
        }
    }

    private void addPeer(GridNode node) {
        GridNode[] next = Arrays.copyOf(peers, Math.max(peers.length, node.id() + 1));
        next[node.id()] = node;
        peers = next;
    }

    /** Makes {@code next} the grid's table and hands it to every node (each keeps the newest it saw). */
    void publish(SlotTable next) {
        table.accumulateAndGet(next, (a, b) -> b.epoch() > a.epoch() ? b : a);
        for (GridNode node : peers) {
            if (node != null) {
                node.adopt(next);
            }
        }
    }

    // ---------------------------------------------------------------- builder

    /**
     * Configures and starts a {@link SlotGrid}. Not thread-safe; use one builder per grid.
     * {@link #build()} validates everything and names the first wrong value.
     */
    public static final class Builder {

        /** The most nodes a builder starts. */
        public static final int MAX_NODES = 1024;

        private record NodeSpec(String name, int weight) {
        }

        private final List<NodeSpec> nodes = new ArrayList<>(List.of(new NodeSpec("node-0", 1),
                new NodeSpec("node-1", 1), new NodeSpec("node-2", 1)));
        private boolean explicitNodes;
        private String name;
        private Partitioner partitioner = new Crc16Partitioner();
        private StoreProvider storeProvider = new HeapStoreProvider();
        private boolean jmx = true;
        private int maxRedirects = 16;
        private Duration cutoverTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /**
         * Starts {@code count} nodes of weight 1 named {@code node-0 .. node-(count-1)}, replacing
         * any node given before.
         *
         * @param count 1 to {@value #MAX_NODES}
         * @return this builder
         * @throws IllegalArgumentException if {@code count} is out of range
         */
        public Builder nodes(int count) {
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
        public Builder node(String nodeName, int weight) {
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
        public Builder name(String gridName) {
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
        public Builder partitioner(String pluginName) {
            this.partitioner = Plugins.load(Partitioner.class, pluginName);
            return this;
        }

        /**
         * Uses a partitioner instance.
         *
         * @param instance the partitioner
         * @return this builder
         */
        public Builder partitioner(Partitioner instance) {
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
        public Builder storeProvider(String pluginName) {
            this.storeProvider = Plugins.load(StoreProvider.class, pluginName);
            return this;
        }

        /**
         * Registers MBeans for the grid and its nodes (default on).
         *
         * @param enabled whether to register
         * @return this builder
         */
        public Builder jmx(boolean enabled) {
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
        public Builder maxRedirects(int redirects) {
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
        public Builder cutoverTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "cutoverTimeout must not be null");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("cutoverTimeout must be positive, was " + timeout);
            }
            this.cutoverTimeout = timeout;
            return this;
        }

        /**
         * Starts the grid.
         *
         * @return the running grid
         * @throws IllegalArgumentException if a grid of the same name is open in this JVM
         */
        public SlotGrid build() {
            Set<String> names = new HashSet<>();
            for (NodeSpec spec : nodes) {
                if (!names.add(spec.name())) {
                    throw new IllegalArgumentException("node name '" + spec.name() + "' is given twice");
                }
            }
            return new SlotGrid(this);
        }
    }
}
