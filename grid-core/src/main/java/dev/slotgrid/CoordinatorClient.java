package dev.slotgrid;

import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.SlotTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What a clustered member's facade and its member ask of the grid's control plane, wherever it
 * runs: on this member while it coordinates (served at once), otherwise on the oldest member,
 * found through the membership and asked over the network, following {@code NotCoordinator}
 * answers (bounded by {@link #FIND_COORDINATOR_TIMEOUT}). Thread-safe: it keeps no state of its
 * own.
 */
final class CoordinatorClient implements GridControl, Coordinator {

    static final Duration FIND_COORDINATOR_TIMEOUT = Duration.ofSeconds(60);

    private final ClusteredMember owner;

    CoordinatorClient(ClusteredMember owner) {
        this.owner = owner;
    }

    // ================================================================ asking the coordinator

    /** The coordinator's member id as far as this member knows: the oldest member's, by name in the table. */
    int coordinatorId() {
        List<HazelcastMembership.Peer> peers = owner.peers();
        if (peers.isEmpty()) {
            return -1;
        }
        String oldest = peers.get(0).name();
        Member me = owner.member();
        if (me == null) {
            return -1;
        }
        for (NodeInfo info : me.table().nodes()) {
            if (info.name().equals(oldest)) {
                owner.rememberAddress(info.id(), peers.get(0).data());
                return info.id();
            }
        }
        return -1;
    }

    /** Sends a request to the coordinator, wherever it is now, following NotCoordinator answers (bounded). */
    Object ask(CoordinatorRequest request) {
        String why = owner.expelledWhy();
        if (why != null) {
            throw new MemberUnavailableException(why);
        }
        long deadline = System.nanoTime() + FIND_COORDINATOR_TIMEOUT.toNanos();
        RuntimeException last = null;
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            ControlParts parts = owner.role();
            if (parts != null) {
                return owner.service().serve(parts, request);
            }
            int coordinator = coordinatorId();
            if (coordinator >= 0) {
                try {
                    Object reply = owner.transport().call(coordinator, request);
                    if (!(reply instanceof CoordinatorRequest.NotCoordinator)) {
                        return reply;
                    }
                } catch (MemberUnavailableException e) {
                    last = e; // it may be gone: the membership will say so
                }
            }
            Backoff.pause(attempt);
        }
        throw new MemberUnavailableException("no coordinator answered " + request.getClass().getSimpleName() + " within "
                + FIND_COORDINATOR_TIMEOUT.toSeconds() + " s", last);
    }

    // ================================================================ Coordinator: what this member asks

    @Override
    public SlotTable latest() {
        ControlParts parts = owner.role();
        if (parts != null) {
            return parts.control.latest();
        }
        try {
            return (SlotTable) ask(new CoordinatorRequest.LatestTable());
        } catch (MemberUnavailableException e) {
            return owner.member().table(); // no coordinator now: route with what we have
        }
    }

    @Override
    public void foldBack(int mapId, Object key) {
        ask(new CoordinatorRequest.FoldBack(mapId, key));
    }

    @Override
    public int mapId(String name, boolean internal) {
        Member me = owner.member();
        if (me != null) {
            int known = me.catalog().find(name);
            if (known >= 0) {
                return known;
            }
        }
        return (Integer) ask(new CoordinatorRequest.AssignMapId(name, internal));
    }

    // ================================================================ GridControl: the facade's administration

    @Override
    public CompletableFuture<GridNode> addNode(String nodeName, int weight) {
        throw new UnsupportedOperationException("a clustered member joins by starting its own process"
                + " (SlotGrid.cluster()...start()); addNode is for an embedded grid");
    }

    @Override
    public CompletableFuture<Void> removeNode(String nodeName) {
        throw new UnsupportedOperationException("a clustered member leaves with SlotGrid.close() in its own process;"
                + " removeNode is for an embedded grid");
    }

    @Override
    public CompletableFuture<Void> rebalance() {
        return CompletableFuture.runAsync(() -> ask(new CoordinatorRequest.Rebalance()));
    }

    @Override
    public CompletableFuture<Void> migrate(int slot, int target) {
        return CompletableFuture.runAsync(() -> ask(new CoordinatorRequest.Migrate(slot, target)));
    }

    @Override
    public boolean cancelMigration(int slot) {
        return (Boolean) ask(new CoordinatorRequest.CancelMigration(slot));
    }

    @Override
    public MigrationStats migrationStats() {
        CoordinatorRequest.MigrationCounts c = (CoordinatorRequest.MigrationCounts) ask(
                new CoordinatorRequest.MigrationCounters());
        return new MigrationStats(c.slotsDone(), c.slotsCancelled(), c.slotsFailed(), c.inFlight(), c.queued(),
                c.entriesMoved(), c.entriesPerSecond(), c.entriesLeft(), c.cutovers(), c.cutoverP50Nanos(),
                c.cutoverP99Nanos(), c.cutoverMaxNanos());
    }

    @Override
    public void addIndex(String mapName, IndexDefinition definition) {
        ask(new CoordinatorRequest.AddIndex(mapName, definition));
    }

    @Override
    public List<IndexDefinition> indexes(String mapName) {
        int mapId = mapId(MapCatalog.checkName(mapName), false);
        List<IndexDefinition> ready = new ArrayList<>();
        for (IndexDef def : owner.member().indexes().of(mapId).all) {
            if (def.state == IndexDef.READY) {
                ready.add(def.definition);
            }
        }
        return List.copyOf(ready);
    }

    @Override
    public IndexStats indexStats() {
        return IndexLag.stats(owner.cluster());
    }

    @Override
    public IndexVerification verifyIndex(String mapName, String indexName) {
        return (IndexVerification) ask(new CoordinatorRequest.VerifyIndex(mapName, indexName));
    }

    @Override
    public void declareMergeable(int mapId, String merger) {
        ask(new CoordinatorRequest.DeclareMergeable(mapId, merger));
    }

    @Override
    public void nearCache(int mapId, Object key, boolean on) {
        ask(new CoordinatorRequest.NearCache(mapId, key, on));
    }

    @Override
    public void salt(int mapId, Object key, int parts) {
        ask(new CoordinatorRequest.Salt(mapId, key, parts));
    }

    @Override
    public int pin(int mapId, Object key, int naturalSlot, int target) {
        return (Integer) ask(new CoordinatorRequest.Pin(mapId, key, naturalSlot, target));
    }

    @Override
    public boolean unpin(int mapId, Object key, int naturalSlot) {
        return (Boolean) ask(new CoordinatorRequest.Unpin(mapId, key, naturalSlot));
    }

    @Override
    public HotKeyStats hotKeyStats() {
        return (HotKeyStats) ask(new CoordinatorRequest.HotKeyStatsQuery());
    }

    @Override
    public void acknowledgeLostSlots() {
        ask(new CoordinatorRequest.AcknowledgeLost());
    }

    @Override
    public void close() {
        ControlParts parts = owner.role();
        if (parts != null) {
            parts.close();
        }
    }
}
