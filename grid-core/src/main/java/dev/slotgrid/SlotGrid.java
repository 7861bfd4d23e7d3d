package dev.slotgrid;

import dev.slotgrid.hotkey.SingleFlight;
import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.SlotTable;
import dev.slotgrid.spi.EntryProcessor;
import dev.slotgrid.spi.IndexExtractor;
import dev.slotgrid.spi.Merger;
import dev.slotgrid.spi.Partitioner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An embedded SlotGrid cluster: N members in this JVM sharing 16384 slots.
 *
 * <pre>{@code
 * try (SlotGrid grid = SlotGrid.builder().nodes(3).build()) {
 *     GridMap<String, Long> counters = grid.map("counters");
 *     counters.merge("page:home", 1L, Long::sum);
 * }
 * }</pre>
 *
 * <p>Thread-safe. Members reach each other only through a transport (docs/architecture.md): by
 * default the in-JVM one, which runs the owner's code on the caller's thread. The grid is the
 * control plane: it holds the newest slot table and publishes every change to each member, which
 * keeps its own. Membership changes are serialized; map operations never wait for them.
 *
 * <p>Failure: operations on a closed grid throw {@link IllegalStateException}. The library logs
 * through {@link System.Logger} (route it to SLF4J with {@code slf4j-jdk-platform-logging}) at
 * DEBUG for lifecycle events and WARNING for anomalies only; it never writes to standard output.
 */
public final class SlotGrid implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SlotGrid.class.getName());
    private static final AtomicInteger GRID_COUNTER = new AtomicInteger();

    private final Cluster cluster;
    private final GridControl control;
    /** The control plane's parts when they run in this JVM (always for an embedded grid). */
    private final ControlParts parts;
    private final QueryEngine queries;
    private final Jmx jmx;
    /** A clustered member's machinery; {@code null} for an embedded grid. */
    private final ClusteredMember clustered;

    SlotGrid(SlotGridBuilder builder) {
        String name = builder.name != null ? builder.name : "slotgrid-" + GRID_COUNTER.incrementAndGet();
        if (builder.jmx && Jmx.isRegistered(name)) {
            throw new IllegalArgumentException("a grid named '" + name + "' is already registered in this JVM's"
                    + " MBean server; choose another name or close that grid");
        }
        GridConfig config = builder.config(name);
        this.cluster = new Cluster(name, config, names -> builder.transport(config, names));
        List<NodeInfo> infos = builder.nodeInfos();
        SlotTable laidOut = SlotTable.initial(infos);
        // an empty grid: every copy exists (empty) from the start
        SlotTable initial = config.backups() == 0 ? laidOut
                : dev.slotgrid.slot.ReplicaPlanner.plan(laidOut, infos, config.backups()).target();
        this.parts = new ControlParts(cluster, initial, builder.controlSettings(), this::startMember, this::memberLeft,
                id -> false);
        this.control = parts;
        this.queries = cluster.queries();
        this.jmx = builder.jmx ? new Jmx() : null;
        this.clustered = null;
        if (jmx != null) {
            jmx.registerGrid(this);
        }
        for (NodeInfo info : infos) {
            startMember(info, initial);
        }
        parts.start();
        LOG.log(System.Logger.Level.DEBUG, () -> "started grid " + name + " with " + initial);
    }

    /** A member of a clustered grid: this process's own, the others reached through the network. */
    SlotGrid(ClusterBuilder builder) {
        String name = builder.gridName();
        this.jmx = builder.jmx ? new Jmx() : null;
        this.clustered = ClusteredMember.start(builder);
        this.cluster = clustered.cluster();
        this.queries = clustered.queries();
        this.parts = null;
        this.control = clustered.client();
        if (jmx != null) {
            jmx.registerGrid(this);
            jmx.registerNode(name, cluster.localMember());
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "member " + name + " joined cluster " + builder.clusterName());
    }

    /**
     * A builder with the defaults: 3 nodes of weight 1, partitioner {@code "crc16"}, store provider
     * {@code "heap"}, the in-JVM transport, JMX on, 16 redirects, 30 s cutover timeout, migrations
     * throttled to 500,000 entries/s, 2 in flight, batches of 256.
     *
     * @return a new builder
     */
    public static SlotGridBuilder builder() {
        return new SlotGridBuilder();
    }

    /**
     * A builder for this process's member of a clustered grid: one member per JVM, on Hazelcast
     * membership and a Netty data plane; see {@link ClusterBuilder}.
     *
     * @return a new builder
     */
    public static ClusterBuilder cluster() {
        return new ClusterBuilder();
    }

    /** @return the grid's name (JMX and logs) */
    public String name() {
        return cluster.name();
    }

    /**
     * The slot of a key (Redis's {@code CLUSTER KEYSLOT}): a pure function of the key and the
     * partitioner, the same in every member. Thread-safe; costs one hash of the key's bytes.
     *
     * @param key not null
     * @return 0 to 16383
     * @throws NullPointerException if {@code key} is null
     */
    public int slotOf(Object key) {
        Objects.requireNonNull(key, "key must not be null");
        return cluster.config().slotOf(key);
    }

    /** This process's clustered member ({@code null} for an embedded grid). */
    ClusteredMember clusteredMember() {
        return clustered;
    }

    /** The members' shared parts (tests that drive a protocol step by step). */
    Cluster clusterParts() {
        return cluster;
    }

    /** @return the partitioner that maps keys to slots */
    public Partitioner partitioner() {
        return cluster.config().partitioner();
    }

    /**
     * The grid's newest slot table; each member's own may briefly lag it.
     *
     * @return the table
     */
    public SlotTable table() {
        return control.latest();
    }

    /**
     * The active nodes, by id.
     *
     * @return an immutable list
     */
    public List<GridNode> nodes() {
        return cluster.nodes();
    }

    /**
     * The active node with a name.
     *
     * @param nodeName the name
     * @return the node
     * @throws IllegalArgumentException if no active node has that name; the message lists them
     */
    public GridNode node(String nodeName) {
        return cluster.node(nodeName);
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
        return nodes().get(0).map(mapName);
    }

    /**
     * A snapshot of every node's counters and the load skew. Cost: see {@link GridNode#stats()}.
     * Nodes the current table no longer lists (left, or declared dead) and nodes that do not answer
     * (a member dying, not declared dead yet) are left out, so a snapshot can be taken while
     * members fail.
     *
     * @return the snapshot
     */
    public GridStats stats() {
        SlotTable table = table();
        List<NodeStats> all = new ArrayList<>();
        for (GridNode node : nodes()) {
            if (table.node(node.id()) == null) {
                continue;
            }
            try {
                all.add(node.stats());
            } catch (MemberUnavailableException notAnswering) {
                // dying or cut off: the membership will say so; its counters are not part of this snapshot
            }
        }
        return new GridStats(table.epoch(), all, control.migrationStats(), table.lostSlots());
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
        return control.addNode(nodeName, weight);
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
        return control.removeNode(nodeName);
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
        return control.rebalance();
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
        return control.migrate(slot, node(targetNodeName).id());
    }

    private static void checkSlot(int slot) {
        if (slot < 0 || slot >= SlotTable.SLOTS) {
            throw new IllegalArgumentException("slot must be in [0, " + SlotTable.SLOTS + "), was " + slot);
        }
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
        return control.cancelMigration(slot);
    }

    /**
     * Progress of migrations and their cutover windows. Cost: one pass over the migrations in flight.
     *
     * @return a snapshot
     */
    public MigrationStats migrationStats() {
        return control.migrationStats();
    }

    // ---------------------------------------------------------------- plugins, indexes and queries

    /**
     * Registers an index extractor under its {@link IndexExtractor#name() name}, for this grid's
     * members. Extractors listed in {@code META-INF/services/dev.slotgrid.spi.IndexExtractor} need no
     * registration. Thread-safe.
     *
     * @param extractor the extractor; see its contract
     * @throws IllegalArgumentException if another extractor is registered under that name
     */
    public void registerExtractor(IndexExtractor extractor) {
        cluster.config().plugins().registerExtractor(extractor);
    }

    /**
     * Registers an entry processor under its {@link EntryProcessor#name() name}, for
     * {@link GridMap#invoke}. Processors listed in
     * {@code META-INF/services/dev.slotgrid.spi.EntryProcessor} need no registration. Thread-safe.
     *
     * @param processor the processor; see its contract
     * @throws IllegalArgumentException if another processor is registered under that name
     */
    public void registerProcessor(EntryProcessor<?, ?, ?> processor) {
        cluster.config().plugins().registerProcessor(processor);
    }

    /**
     * Adds a secondary index to a map and builds it over the entries the map holds, while traffic
     * runs; returns when the index is ready to be queried. Writes that begin after this call
     * maintain the index; the call first waits for writes in progress to finish (microseconds
     * normally; a remapping function that never returns makes it fail after 5 minutes).
     *
     * <p>LOCAL: every slot on every member is indexed in place, each entry under its key's lock.
     * GLOBAL: every entry is sent through its owner's outbox and the call waits until the outboxes
     * have applied it; for a unique index, values held by more than one key make the call fail.
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
        control.addIndex(mapName, definition);
    }

    /**
     * The ready indexes of a map, in the order they were added.
     *
     * @param mapName the map
     * @return an immutable list
     */
    public List<IndexDefinition> indexes(String mapName) {
        return control.indexes(mapName);
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
        return nodes().get(0).query(mapName);
    }

    /**
     * The lag of the GLOBAL indexes: updates waiting in each member's outbox and the age of the
     * oldest. Cost: one read of a few counters per member.
     *
     * @return a snapshot
     */
    public IndexStats indexStats() {
        return control.indexStats();
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
        Objects.requireNonNull(indexName, "index name must not be null");
        return control.verifyIndex(mapName, indexName);
    }

    // ---------------------------------------------------------------- hot keys

    /**
     * Declares a map mergeable: its values fold with {@code merger}, which lets a write-hot key be
     * salted into parts on several members (writes with {@link GridMap#add} land in one part, reads
     * fold them all). Idempotent for the same merger.
     *
     * @param mapName the map
     * @param mergerName a {@link Merger} plugin's name, for example {@code "long-sum"} or {@code "set-union"}
     * @throws IllegalArgumentException if no merger has that name (the message lists those available)
     * @throws IllegalStateException if the map is already mergeable with another merger
     */
    public void declareMergeable(String mapName, String mergerName) {
        requireOpen();
        cluster.config().plugins().merger(mergerName); // fails here, naming what is available, if unknown or null
        control.declareMergeable(cluster.mapId(mapName), mergerName);
    }

    /**
     * Declares a map mergeable with a merger instance, registered under its name; see
     * {@link #declareMergeable(String, String)}.
     *
     * @param mapName the map
     * @param merger the merger; see its contract
     * @throws IllegalStateException if the map is already mergeable with another merger
     */
    public void declareMergeable(String mapName, Merger<?> merger) {
        requireOpen();
        Objects.requireNonNull(merger, "merger must not be null");
        cluster.config().plugins().registerMerger(merger);
        control.declareMergeable(cluster.mapId(mapName), merger.name());
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
        cluster.config().slotOf(key);
        control.nearCache(cluster.mapId(mapName), ByteArrayKey.storedForm(key, true), enabled);
    }

    /**
     * Splits a key of a mergeable map into {@code parts} parts on distinct members (where there are
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
        cluster.config().slotOf(key);
        control.salt(cluster.mapId(mapName), ByteArrayKey.storedForm(key, true), parts);
    }

    /**
     * The last resort for a hot key: pins it to a slot of its own, and that slot to {@code nodeName}
     * (a node added for it, typically). The key directory is published with the slot table and
     * versioned by its epoch; every member routes the key there from then on. The key's writers pause
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
        int natural = cluster.config().slotOf(key);
        return control.pin(cluster.mapId(mapName), ByteArrayKey.storedForm(key, true), natural, node(nodeName).id());
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
        return control.unpin(cluster.mapId(mapName), ByteArrayKey.storedForm(key, true), cluster.config().slotOf(key));
    }

    /**
     * Hot keys per node, the actions taken, and the near-cache and coalescing counters. Refreshed
     * by the detector every quarter second.
     *
     * @return a snapshot
     */
    public HotKeyStats hotKeyStats() {
        return control.hotKeyStats();
    }

    /**
     * Serves the slots whose data died with their owner again, empty, from now on (a clustered grid
     * without replicas loses what a dead member held; until then every call on those slots fails with
     * {@link SlotLostException}, so that nothing reads as absent what was only lost).
     *
     * @throws IllegalStateException if the grid is closed
     */
    public void acknowledgeLostSlots() {
        requireOpen();
        control.acknowledgeLostSlots();
    }

    /**
     * Closes the grid: every member leaves, MBeans are unregistered, data is dropped. Idempotent.
     * Calls in flight may complete; later calls throw {@link IllegalStateException}.
     */
    @Override
    public void close() {
        close(true);
    }

    /**
     * Closes at once, without handing this clustered member's slots to the others first (Hazelcast's
     * {@code terminate()} beside {@code shutdown()}): the others see it as dead, and its slots as
     * lost until acknowledged ({@link #acknowledgeLostSlots()}). For an embedded grid it is
     * {@link #close()}. Idempotent; thread-safe.
     */
    public void terminate() {
        close(false);
    }

    /** Closes without handing this clustered member's slots over first (tests of a crash, and test cleanup). */
    void closeAbruptly() {
        close(false);
    }

    /** For tests: this clustered member vanishes from the membership and the network at once, as if its process died. */
    void crash() {
        if (clustered == null) {
            throw new IllegalStateException("only a clustered member can crash");
        }
        clustered.crashMembership();
        close(false);
    }

    private void close(boolean graceful) {
        synchronized (this) {
            if (cluster.isClosed()) {
                return;
            }
            if (clustered != null && graceful) {
                clustered.leave(); // graceful: its slots move to the others first
            }
            cluster.markClosed();
            control.close();
            queries.close();
            for (GridNode node : cluster.all()) {
                if (node.isLocal()) {
                    node.member().close();
                }
            }
            cluster.transport().close();
            if (clustered != null) {
                clustered.stop();
            }
            if (jmx != null) {
                jmx.unregisterAll();
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "closed grid " + name());
        }
    }

    /** @return {@code true} once {@link #close()} was called */
    public boolean isClosed() {
        return cluster.isClosed();
    }

    void requireOpen() {
        cluster.requireOpen();
    }

    /**
     * Starts a member in this JVM, reachable through the transport, and tells it everything the
     * others know before any slot is given to it. It is listed first, so that a change made
     * meanwhile reaches it either by that change's own message or by the state sent after.
     */
    private GridNode startMember(NodeInfo info, SlotTable table) {
        Member member = new Member(info, cluster.config(), table, cluster.transport(), parts.control);
        cluster.transport().bind(info.id(), member);
        GridNode node = new GridNode(cluster, member);
        cluster.register(node);
        parts.syncNewMember(info.id());
        member.adopt(parts.control.latest());
        if (jmx != null) {
            jmx.registerNode(name(), node);
        }
        return node;
    }

    /**
     * Tells an embedded grid that one of its members died (for tests of failover: a member in one
     * JVM does not die by itself; the test cuts it off with a {@link FaultInjector} first). What a
     * clustered coordinator does when Hazelcast declares a member dead: each of its slots goes to
     * its first backup, those without one to the survivors as lost, its migrations are undone.
     */
    void declareDead(String nodeName) {
        GridNode node = cluster.node(nodeName);
        List<dev.slotgrid.slot.Move> interrupted = new java.util.ArrayList<>();
        parts.control.update(current -> MembershipChanges.afterDeath(current, node.id(), interrupted));
        MembershipChanges.undoInterrupted(cluster.transport(), node.id(), interrupted);
        parts.replicas.request();
    }

    /** Re-creates missing copies now (tests); completed when a repair that started after the call ended. */
    CompletableFuture<Void> repairReplicas() {
        return parts.replicas.request();
    }

    private void memberLeft(GridNode node) {
        if (jmx != null) {
            jmx.unregisterNode(name(), node);
        }
    }
}
