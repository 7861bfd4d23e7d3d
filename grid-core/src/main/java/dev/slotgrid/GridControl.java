package dev.slotgrid;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What {@link SlotGrid}'s administrative methods ask of the grid's control plane, wherever it runs:
 * in this JVM for an embedded grid or for the coordinator of a clustered one ({@link ControlParts}),
 * in the coordinator's process for the other members of a clustered grid ({@link RemoteControl}).
 * Thread-safe; each method's contract is that of the {@link SlotGrid} method that calls it.
 */
interface GridControl {

    /** The grid's newest slot table (the coordinator's). */
    dev.slotgrid.slot.SlotTable latest();

    CompletableFuture<GridNode> addNode(String nodeName, int weight);

    CompletableFuture<Void> removeNode(String nodeName);

    CompletableFuture<Void> rebalance();

    CompletableFuture<Void> migrate(int slot, int target);

    boolean cancelMigration(int slot);

    MigrationStats migrationStats();

    void addIndex(String mapName, IndexDefinition definition);

    List<IndexDefinition> indexes(String mapName);

    IndexStats indexStats();

    IndexVerification verifyIndex(String mapName, String indexName);

    void declareMergeable(int mapId, String merger);

    void nearCache(int mapId, Object key, boolean on);

    void salt(int mapId, Object key, int parts);

    int pin(int mapId, Object key, int naturalSlot, int member);

    boolean unpin(int mapId, Object key, int naturalSlot);

    HotKeyStats hotKeyStats();

    void acknowledgeLostSlots();

    /** Stops the control plane's threads (the members are closed by their owner). */
    void close();
}
