package dev.slotgrid;

import dev.slotgrid.slot.Crc16Partitioner;
import dev.slotgrid.slot.Move;
import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.PlacementPlanner;
import dev.slotgrid.slot.Plan;
import dev.slotgrid.slot.SlotTable;
import dev.slotgrid.spi.IndexExtractor;
import dev.slotgrid.spi.Merger;
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
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentMap;
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

    private final String name;
    private final Partitioner partitioner;
    private final StoreProvider storeProvider;
    private final int maxRedirects;
    private final boolean batching;
    private final long cutoverTimeoutNanos;
    private final MapRegistry maps = new MapRegistry();
    private final AtomicReference<SlotTable> table;
    private final Object membershipLock = new Object();
    private final AtomicInteger nextNodeId;
    private final Jmx jmx;
    private final MigrationManager migrations;
    private final HotKeys hotKeys;
    private final KeyDirectory directory = new KeyDirectory(this);
    private final IndexManager indexes;
    private final QueryEngine queries;
    private final Object tableLock = new Object();
    /** @GuardedBy("membershipLock") */
    private final Set<Integer> leaving = new HashSet<>();
    /** @GuardedBy("membershipLock") */
    private CompletableFuture<?> membershipTail = CompletableFuture.completedFuture(null);
    private volatile GridNode[] peers;
    private volatile boolean closed;

    private SlotGrid(Builder builder) {
        this.name = builder.name != null ? builder.name : "slotgrid-" + GRID_COUNTER.incrementAndGet();
        this.partitioner = builder.partitioner;
        this.storeProvider = builder.storeProvider;
        this.maxRedirects = builder.maxRedirects;
        this.batching = builder.batching;
        this.cutoverTimeoutNanos = builder.cutoverTimeout.toNanos();
        if (builder.jmx && Jmx.isRegistered(name)) {
            throw new IllegalArgumentException("a grid named '" + name + "' is already registered in this JVM's"
                    + " MBean server; choose another name or close that grid");
        }
        this.hotKeys = new HotKeys(this, builder.hotKeyDetection, builder.hotKeyPolicy);
        this.indexes = new IndexManager(this, builder.indexOutboxCapacity);
        this.queries = new QueryEngine(this, indexes);
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
        this.migrations = new MigrationManager(this, builder.migrationThrottle, builder.maxMigrationsInFlight,
                builder.migrationBatchSize);
        this.jmx = builder.jmx ? new Jmx() : null;
        if (jmx != null) {
            jmx.registerGrid(this);
            for (GridNode node : nodes) {
                jmx.registerNode(name, node);
            }
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "started grid " + name + " with " + initial);
    }

    /**
     * A builder with the defaults: 3 nodes of weight 1, partitioner {@code "crc16"}, store provider
     * {@code "heap"}, JMX on, 16 redirects, 30 s cutover timeout, migrations throttled to 500,000
     * entries/s, 2 in flight, batches of 256.
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
        Objects.requireNonNull(nodeName, "node name must not be null");
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
        return new GridStats(table().epoch(), all, migrations.stats());
    }

    /**
     * Adds a node while traffic runs. The planner gives it its weighted share of the slots, taken
     * from the other nodes with the fewest moves, and the migration manager moves them live.
     * Membership changes run one after another, in call order.
     *
     * @param nodeName a name no active node has
     * @param weight the placement weight, 1 to 65536
     * @return a future of the new node, completed when the layout is final; failed if a move failed
     *     (the moves done stay done, nothing is lost; {@link #rebalance()} retries the rest)
     * @throws IllegalArgumentException if the name is taken or blank, or the weight out of range
     * @throws IllegalStateException if the grid is closed
     */
    public CompletableFuture<GridNode> addNode(String nodeName, int weight) {
        GridNode node;
        synchronized (membershipLock) {
            requireOpen();
            Objects.requireNonNull(nodeName, "node name must not be null");
            for (GridNode existing : activeNodes()) {
                if (existing.name().equals(nodeName)) {
                    throw new IllegalArgumentException("a node named '" + nodeName + "' is already in the grid");
                }
            }
            NodeInfo info = new NodeInfo(nextNodeId.get(), nodeName, weight);
            nextNodeId.incrementAndGet();
            SlotTable registered = updateTable(table -> table.withNode(info));
            node = new GridNode(this, info, registered);
            addPeer(node);
            if (jmx != null) {
                jmx.registerNode(name, node);
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "registered " + node + "; moving its share of the slots");
        }
        return afterMembershipChanges(this::moveToPlannedLayout).thenApply(ignored -> node);
    }

    /**
     * Removes a node gracefully while traffic runs: its slots move live to the other nodes (fewest
     * moves, fair shares), then it leaves. Its data is never dropped. Membership changes run one
     * after another, in call order.
     *
     * @param nodeName an active node's name
     * @return a future completed when the node has left; failed, with the node still a member, if
     *     a move failed or it is the last node
     * @throws IllegalArgumentException if no active node has that name
     * @throws IllegalStateException if the grid is closed
     */
    public CompletableFuture<Void> removeNode(String nodeName) {
        GridNode leaving;
        synchronized (membershipLock) {
            requireOpen();
            leaving = node(nodeName);
            if (activeNodes().size() - this.leaving.size() <= 1) {
                return CompletableFuture.failedFuture(new IllegalStateException("cannot remove '" + nodeName
                        + "': it is the last node of the grid"));
            }
            this.leaving.add(leaving.id());
        }
        return afterMembershipChanges(() -> drain(leaving, 0)).handle((ignored, failure) -> {
            synchronized (membershipLock) {
                if (failure != null) {
                    this.leaving.remove(leaving.id());
                    throw failure instanceof CompletionException ? (CompletionException) failure : new CompletionException(failure);
                }
                updateTable(table -> table.withoutNode(leaving.id()));
                leaving.markLeft();
                this.leaving.remove(leaving.id());
                if (jmx != null) {
                    jmx.unregisterNode(name, leaving);
                }
                LOG.log(System.Logger.Level.DEBUG, () -> "removed " + leaving + "; " + table());
                return null;
            }
        });
    }

    /**
     * Moves slots live until every member holds its weighted fair share (within one slot), with the
     * fewest moves; for example after a failed membership change. Runs after the membership changes
     * already asked for.
     *
     * @return a future completed when the layout is final
     * @throws IllegalStateException if the grid is closed
     */
    public CompletableFuture<Void> rebalance() {
        requireOpen();
        return afterMembershipChanges(this::moveToPlannedLayout);
    }

    /**
     * Moves one slot, with its entries in every map, to another node while traffic runs: readers
     * never wait, writers take no lock, nothing acknowledged is lost. For operators and tests; the
     * planner uses it for membership changes.
     *
     * @param slot the slot, 0 to 16383
     * @param targetNodeName an active node's name; if it owns the slot already, nothing happens
     * @return a future completed when the target owns the slot; failed with
     *     {@link java.util.concurrent.CancellationException} if cancelled before its cutover, or
     *     with {@link IllegalStateException} if the target is leaving the grid (in both cases the
     *     source keeps the slot). A request for a slot that is migrating already runs after it.
     * @throws IllegalArgumentException if the slot is out of range or no active node has the name
     * @throws IllegalStateException if the grid is closed
     */
    public CompletableFuture<Void> migrate(int slot, String targetNodeName) {
        requireOpen();
        checkSlot(slot);
        GridNode target = node(targetNodeName);
        synchronized (membershipLock) {
            if (leaving.contains(target.id())) {
                return CompletableFuture.failedFuture(new IllegalStateException("node '" + targetNodeName
                        + "' is leaving the grid; it takes no slots"));
            }
        }
        return migrations.migrate(slot, target.id());
    }

    /**
     * Cancels a slot's migration if it has not reached its cutover: the source stays the owner and
     * the target keeps nothing of the slot.
     *
     * @param slot the slot, 0 to 16383
     * @return {@code true} if a migration was cancelled (its future fails with
     *     {@link java.util.concurrent.CancellationException}); {@code false} if none was running or
     *     it is past the point of no return
     * @throws IllegalArgumentException if the slot is out of range
     */
    public boolean cancelMigration(int slot) {
        checkSlot(slot);
        return migrations.cancel(slot);
    }

    /**
     * Progress of migrations and their cutover windows. Cost: one pass over the migrations in flight.
     *
     * @return a snapshot
     */
    public MigrationStats migrationStats() {
        return migrations.stats();
    }

    // ---------------------------------------------------------------- secondary indexes and queries

    /**
     * Registers an index extractor under its {@link IndexExtractor#name() name}, for this grid's
     * nodes. Extractors listed in {@code META-INF/services/dev.slotgrid.spi.IndexExtractor} need no
     * registration. Thread-safe.
     *
     * @param extractor the extractor; see its contract
     * @throws IllegalArgumentException if another extractor is registered under that name
     */
    public void registerExtractor(IndexExtractor extractor) {
        indexes.registerExtractor(extractor);
    }

    /**
     * Adds a secondary index to a map and builds it over the entries the map holds, while traffic
     * runs; returns when the index is ready to be queried. Writes that begin after this call
     * maintain the index; the call first waits for writes in progress to finish (microseconds
     * normally; a remapping function that never returns makes it fail after 5 minutes).
     *
     * <p>LOCAL: every slot on every node is indexed in place, each entry under its key's lock. GLOBAL:
     * every entry is sent through its owner's outbox and the call waits until the outboxes have
     * applied it; for a unique index, values held by more than one key make the call fail.
     *
     * <p>Thread-safety: index additions are serialized; map operations and queries never wait for
     * them. Cost: a pass over the map's entries (a GLOBAL index also writes one index entry per
     * distinct value).
     *
     * @param mapName the map; it need not exist yet
     * @param definition the index
     * @throws IllegalArgumentException if the map already has an index of that name, the extractor
     *     is unknown, or an existing entry's value gives an index value the index cannot take (named
     *     in the message); the index is then not added
     * @throws IllegalStateException if a unique index meets a value held by two keys (the index is
     *     not added), the grid is closed, or the build timed out
     */
    public void addIndex(String mapName, IndexDefinition definition) {
        indexes.addIndex(mapName, definition);
    }

    /**
     * The ready indexes of a map, in the order they were added.
     *
     * @param mapName the map
     * @return an immutable list
     */
    public List<IndexDefinition> indexes(String mapName) {
        return indexes.definitions(mapName);
    }

    /**
     * A query on a named map, entering the grid through the first active node; see
     * {@link GridNode#query(String)} to choose the entry node.
     *
     * @param mapName the map's name
     * @param <K> the key type
     * @param <V> the value type
     * @return a query matching every entry, to refine
     * @throws IllegalStateException if the grid is closed
     */
    public <K, V> GridQuery<K, V> query(String mapName) {
        requireOpen();
        return activeNodes().get(0).query(mapName);
    }

    /**
     * The lag of the GLOBAL indexes: updates waiting in each node's outbox and the age of the
     * oldest. Cost: one read of a few counters per node.
     *
     * @return a snapshot
     */
    public IndexStats indexStats() {
        return indexes.stats();
    }

    /**
     * Recomputes an index from the base entries and compares: missing and stale (value, key) pairs,
     * and for a unique index values held by several keys. For a GLOBAL index it first waits (up to
     * 60 s) for the updates enqueued before the call. Exact when the map is quiet; under writes it
     * also counts the differences of writes in flight.
     *
     * @param mapName the map
     * @param indexName one of its ready indexes
     * @return the report
     * @throws IllegalArgumentException if the map has no ready index of that name
     * @throws IllegalStateException if the outboxes do not drain in time, or the grid is closed
     */
    public IndexVerification verifyIndex(String mapName, String indexName) {
        return indexes.verify(mapName, indexName);
    }

    // ---------------------------------------------------------------- hot keys

    /**
     * Declares a map mergeable: its values fold with {@code merger}, which lets a write-hot key be
     * salted into parts on several nodes (writes with {@link GridMap#add} land in one part, reads
     * fold them all). Idempotent for the same merger.
     *
     * @param mapName the map
     * @param mergerName a {@link Merger} plugin's name, for example {@code "long-sum"} or {@code "set-union"}
     * @throws IllegalArgumentException if no merger has that name (the message lists those available)
     * @throws IllegalStateException if the map is already mergeable with another merger
     */
    public void declareMergeable(String mapName, String mergerName) {
        declareMergeable(mapName, Plugins.load(Merger.class, mergerName));
    }

    /**
     * Declares a map mergeable with a merger instance; see {@link #declareMergeable(String, String)}.
     *
     * @param mapName the map
     * @param merger the merger; see its contract
     * @throws IllegalStateException if the map is already mergeable with another merger
     */
    public void declareMergeable(String mapName, Merger<?> merger) {
        requireOpen();
        Objects.requireNonNull(merger, "merger must not be null");
        hotKeys.declareMergeable(maps.idOf(mapName), merger);
    }

    /**
     * Serves a key from a near-cache copy on every node (or stops): reads may then see a value up to
     * the near-cache TTL old (the policy's, 2 s by default); every write of the key drops the copies.
     * Kept until turned off, whatever the policy's cooldown.
     *
     * @param mapName the key's map
     * @param key the key
     * @param enabled on or off
     */
    public void nearCache(String mapName, Object key, boolean enabled) {
        requireOpen();
        Objects.requireNonNull(key, "key must not be null");
        slotOf(key);
        hotKeys.nearCache(maps.idOf(mapName), ByteArrayKey.storedForm(key, true), enabled, false, "requested");
    }

    /**
     * Splits a key of a mergeable map into {@code parts} parts on distinct nodes (where there are
     * enough), changes the part count, or ({@code 0}) folds the parts back into one entry. No write
     * is lost across the change; reads keep folding the old parts until they are folded in. Kept
     * until changed, whatever the policy's cooldown.
     *
     * @param mapName a mergeable map
     * @param key the key
     * @param parts 0 to 256
     * @throws IllegalStateException if the map is not mergeable
     * @throws IllegalArgumentException if {@code parts} is out of range
     */
    public void salt(String mapName, Object key, int parts) {
        requireOpen();
        Objects.requireNonNull(key, "key must not be null");
        if (parts < 0 || parts > 256) {
            throw new IllegalArgumentException("parts must be between 0 and 256, was " + parts);
        }
        slotOf(key);
        hotKeys.salt(maps.idOf(mapName), ByteArrayKey.storedForm(key, true), parts, false, "requested");
    }

    /**
     * The last resort for a hot key: pins it to a slot of its own, and that slot to {@code nodeName}
     * (a node added for it, typically). The key directory is published with the slot table and
     * versioned by its epoch; every node routes the key there from then on. The key's writers pause
     * for microseconds while it moves, as in a migration's cutover; its readers never wait.
     *
     * <p>Cost: a scan for an empty slot, possibly the migration of that (empty) slot to the node, and
     * one copy of the key's value. Blocks until the key has moved.
     *
     * @param mapName the key's map
     * @param key the key
     * @param nodeName an active node's name
     * @return the slot the key is pinned to
     * @throws IllegalArgumentException if no active node has that name, or the key is not supported
     * @throws IllegalStateException if no empty slot is left, or the grid is closed
     */
    public int pin(String mapName, Object key, String nodeName) {
        requireOpen();
        Objects.requireNonNull(key, "key must not be null");
        int natural = slotOf(key);
        return directory.pin(maps.idOf(mapName), ByteArrayKey.storedForm(key, true), natural, node(nodeName));
    }

    /**
     * Moves a pinned key back to its own slot and removes it from the directory.
     *
     * @param mapName the key's map
     * @param key the key
     * @return {@code false} if the key was not pinned
     * @throws IllegalStateException if the grid is closed
     */
    public boolean unpin(String mapName, Object key) {
        requireOpen();
        Objects.requireNonNull(key, "key must not be null");
        return directory.unpin(maps.idOf(mapName), ByteArrayKey.storedForm(key, true), slotOf(key));
    }

    /**
     * Hot keys per node, the actions taken, and the near-cache and coalescing counters. Refreshed
     * by the detector every quarter second.
     *
     * @return a snapshot
     */
    public HotKeyStats hotKeyStats() {
        return hotKeys.stats();
    }

    /** Runs {@code change} after every membership change asked for before it, whatever their outcome. */
    private <T> CompletableFuture<T> afterMembershipChanges(java.util.function.Supplier<CompletableFuture<T>> change) {
        synchronized (membershipLock) {
            CompletableFuture<T> result = membershipTail.handle((ignored, failure) -> null)
                    .thenCompose(ignored -> change.get());
            membershipTail = result;
            return result;
        }
    }

    /**
     * Moves every slot off a leaving node; again if a migration requested before the node began to
     * leave brought it a slot meanwhile (bounded).
     */
    private CompletableFuture<Void> drain(GridNode node, int round) {
        return moveToPlannedLayout().thenCompose(ignored -> {
            int owned = table().slotCount(node.id());
            if (owned == 0) {
                return CompletableFuture.completedFuture(null);
            }
            if (round >= 8) {
                return CompletableFuture.failedFuture(new IllegalStateException("node '" + node.name() + "' still owns "
                        + owned + " slots after " + round + " rounds of moves; migrations to it keep arriving"));
            }
            return drain(node, round + 1);
        });
    }

    /** Plans the layout over the members that stay and migrates every slot that must move. */
    private CompletableFuture<Void> moveToPlannedLayout() {
        List<NodeInfo> members = new ArrayList<>();
        SlotTable current = table();
        synchronized (membershipLock) {
            for (NodeInfo info : current.nodes()) {
                if (!leaving.contains(info.id())) {
                    members.add(info);
                }
            }
        }
        Plan plan = PlacementPlanner.plan(current, members);
        LOG.log(System.Logger.Level.DEBUG, () -> "moving " + plan.moves().size() + " slots");
        CompletableFuture<?>[] moves = new CompletableFuture<?>[plan.moves().size()];
        for (int i = 0; i < moves.length; i++) {
            Move move = plan.moves().get(i);
            moves[i] = migrations.migrate(move.slot(), move.to());
        }
        return CompletableFuture.allOf(moves);
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
            hotKeys.shutdown();
            migrations.shutdown();
            indexes.close();
            queries.close();
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

    IndexManager indexes() {
        return indexes;
    }

    QueryEngine queries() {
        return queries;
    }

    MapRegistry maps() {
        return maps;
    }

    HotKeys hotKeys() {
        return hotKeys;
    }

    int maxRedirects() {
        return maxRedirects;
    }

    boolean batching() {
        return batching;
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

    private static void checkSlot(int slot) {
        if (slot < 0 || slot >= SlotTable.SLOTS) {
            throw new IllegalArgumentException("slot must be in [0, " + SlotTable.SLOTS + "), was " + slot);
        }
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

    /**
     * Derives the next table from the current one and publishes it to every node, serialized with
     * every other table change. {@code change} may also act (e.g. hand a slot over) before the
     * table that shows it is published; if it throws, nothing is published.
     *
     * @return the published table
     */
    SlotTable updateTable(java.util.function.UnaryOperator<SlotTable> change) {
        synchronized (tableLock) {
            SlotTable next = change.apply(table.get());
            table.set(next);
            for (GridNode node : peers) {
                if (node != null) {
                    node.adopt(next);
                }
            }
            return next;
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
        private long migrationThrottle = 500_000;
        private int maxMigrationsInFlight = 2;
        private int migrationBatchSize = 256;
        private int indexOutboxCapacity = 65_536;
        private boolean hotKeyDetection = true;
        private boolean batching = true;
        private HotKeyPolicy hotKeyPolicy;

        private Builder() {
        }

        /**
         * Whether asynchronous single-key calls entering through a node travel in per-owner
         * batches (default on; counted in {@link HotKeyStats#batches()}); off runs each at once.
         *
         * @param enabled whether to batch
         * @return this builder
         */
        public Builder batching(boolean enabled) {
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
        public Builder hotKeyDetection(boolean enabled) {
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
        public Builder hotKeyPolicy(HotKeyPolicy policy) {
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
        public Builder migrationThrottle(long entriesPerSecond) {
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
        public Builder maxMigrationsInFlight(int migrations) {
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
        public Builder migrationBatchSize(int entries) {
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
        public Builder indexOutboxCapacity(int updates) {
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
}
