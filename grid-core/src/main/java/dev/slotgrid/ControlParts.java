package dev.slotgrid;

import dev.slotgrid.slot.SlotTable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The control plane as it runs in one process: the table authority and map catalog
 * ({@link ControlPlane}), migrations, hot-key policy, key directory and index coordination, wired
 * over one {@link Cluster}. An embedded grid has one, driving its in-JVM members; a clustered grid
 * has one on its coordinator (the oldest member), driving every member through the network.
 *
 * <p>Thread-safe: each part is.
 */
final class ControlParts implements GridControl {

    /** How a grid's control plane is set up (from its builder). */
    record Settings(long migrationThrottle, int maxMigrationsInFlight, int migrationBatchSize, boolean hotKeyDetection,
            HotKeyPolicy hotKeyPolicy, int backups) {
    }

    final Cluster cluster;
    final ControlPlane control;
    final MigrationManager migrations;
    final HotKeyControl hotKeys;
    final KeyDirectory directory;
    final IndexCoordinator indexes;
    final ReplicaRepair replicas;
    private final Membership membership;

    /**
     * @param starter how an embedded grid starts a member in this JVM ({@code null} for a clustered
     *     grid, whose members join by starting their own process)
     * @param leaving whether a member is being drained (a clustered grid's; an embedded grid's
     *     membership knows its own)
     */
    ControlParts(Cluster cluster, SlotTable initial, Settings settings, Membership.Starter starter,
            Consumer<GridNode> onLeft, java.util.function.IntPredicate leaving) {
        this.cluster = cluster;
        this.hotKeys = new HotKeyControl(cluster, settings.hotKeyDetection(), settings.hotKeyPolicy());
        this.control = new ControlPlane(cluster, initial, hotKeys::foldBack);
        cluster.attach(control);
        this.indexes = new IndexCoordinator(cluster);
        this.migrations = new MigrationManager(cluster, settings.migrationThrottle(), settings.maxMigrationsInFlight(),
                settings.migrationBatchSize());
        this.directory = new KeyDirectory(cluster, migrations);
        this.membership = starter == null ? null : new Membership(cluster, migrations, starter, onLeft);
        this.replicas = new ReplicaRepair(cluster, control, settings.backups(), settings.maxMigrationsInFlight(),
                migrations.throttle(), id -> leaving.test(id)
                        || membership != null && membership.isLeaving(id));
        migrations.onIdle(replicas::request); // a round of moves leaves holes where a copy became the owner
    }

    /** Starts the policy's ticks, once the members exist. */
    void start() {
        hotKeys.start();
    }

    /** Tells a member that joins everything the others know, before any slot is given to it. */
    void syncNewMember(int memberId) {
        control.syncCatalog(memberId);
        indexes.syncNewMember(memberId);
        hotKeys.syncNewMember(memberId);
    }

    Membership membership() {
        return membership;
    }

    private Membership inJvmMembership(String what) {
        if (membership == null) {
            throw new UnsupportedOperationException(what + " is for an embedded grid; a clustered member joins by starting"
                    + " its own process and leaves with SlotGrid.close()");
        }
        return membership;
    }

    @Override
    public SlotTable latest() {
        return control.latest();
    }

    @Override
    public CompletableFuture<GridNode> addNode(String nodeName, int weight) {
        return inJvmMembership("addNode").add(nodeName, weight);
    }

    @Override
    public CompletableFuture<Void> removeNode(String nodeName) {
        return inJvmMembership("removeNode").remove(nodeName);
    }

    @Override
    public CompletableFuture<Void> rebalance() {
        return membership != null ? membership.rebalance() : migrations.rebalance(cluster);
    }

    @Override
    public CompletableFuture<Void> migrate(int slot, int target) {
        if (membership != null && membership.isLeaving(target)) {
            return CompletableFuture.failedFuture(new IllegalStateException("node " + target
                    + " is leaving the grid; it takes no slots"));
        }
        return migrations.migrate(slot, target);
    }

    @Override
    public boolean cancelMigration(int slot) {
        return migrations.cancel(slot);
    }

    @Override
    public MigrationStats migrationStats() {
        return migrations.stats();
    }

    @Override
    public void addIndex(String mapName, IndexDefinition definition) {
        indexes.addIndex(mapName, definition);
    }

    @Override
    public List<IndexDefinition> indexes(String mapName) {
        return indexes.definitions(mapName);
    }

    @Override
    public IndexStats indexStats() {
        return indexes.stats();
    }

    @Override
    public IndexVerification verifyIndex(String mapName, String indexName) {
        return indexes.verify(mapName, indexName);
    }

    @Override
    public void declareMergeable(int mapId, String merger) {
        hotKeys.declareMergeable(mapId, merger);
    }

    @Override
    public void nearCache(int mapId, Object key, boolean on) {
        hotKeys.nearCache(mapId, key, on, false, "requested");
    }

    @Override
    public void salt(int mapId, Object key, int parts) {
        hotKeys.salt(mapId, key, parts, false, "requested");
    }

    @Override
    public int pin(int mapId, Object key, int naturalSlot, int member) {
        return directory.pin(mapId, key, naturalSlot, member);
    }

    @Override
    public boolean unpin(int mapId, Object key, int naturalSlot) {
        return directory.unpin(mapId, key, naturalSlot);
    }

    @Override
    public HotKeyStats hotKeyStats() {
        return hotKeys.stats();
    }

    @Override
    public void acknowledgeLostSlots() {
        control.update(table -> table.lostSlots().length == 0 ? table : table.withoutLost());
    }

    @Override
    public void close() {
        hotKeys.shutdown();
        replicas.shutdown();
        migrations.shutdown();
        indexes.close();
    }
}
