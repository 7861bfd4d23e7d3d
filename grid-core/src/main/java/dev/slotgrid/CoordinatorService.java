package dev.slotgrid;

import java.util.Set;

/**
 * The coordinator's side of every {@link CoordinatorRequest}: what the member that coordinates
 * does with each, through its control plane. Called on the data plane's handler threads (requests
 * from other members) and on the asking thread (this member's own). Thread-safe: each part of the
 * control plane is.
 */
final class CoordinatorService {

    private final Cluster cluster;
    /** Members being drained (shared with the clustered member): they take no slot meanwhile. */
    private final Set<Integer> draining;
    private final MembershipChanges changes;

    CoordinatorService(Cluster cluster, Set<Integer> draining, MembershipChanges changes) {
        this.cluster = cluster;
        this.draining = draining;
        this.changes = changes;
    }

    /** Serves a coordinator request with this member's control plane, {@code parts}. */
    Object serve(ControlParts parts, CoordinatorRequest request) {
        if (request instanceof CoordinatorRequest.AssignMapId assign) {
            return parts.control.mapId(assign.name(), assign.internal());
        }
        if (request instanceof CoordinatorRequest.LatestTable) {
            return parts.control.latest();
        }
        if (request instanceof CoordinatorRequest.FoldBack fold) {
            parts.hotKeys.foldBack(fold.mapId(), fold.key());
            return null;
        }
        if (request instanceof CoordinatorRequest.AddIndex add) {
            parts.addIndex(add.mapName(), add.definition());
            return null;
        }
        if (request instanceof CoordinatorRequest.Migrate migrate) {
            if (draining.contains(migrate.target())) {
                throw new IllegalStateException("member #" + migrate.target() + " is leaving the grid; it takes no slots");
            }
            parts.migrate(migrate.slot(), migrate.target()).join();
            return null;
        }
        if (request instanceof CoordinatorRequest.CancelMigration cancel) {
            return parts.cancelMigration(cancel.slot());
        }
        if (request instanceof CoordinatorRequest.MigrationCounters) {
            return counts(parts.migrationStats());
        }
        if (request instanceof CoordinatorRequest.Rebalance) {
            parts.rebalance().join();
            return null;
        }
        if (request instanceof CoordinatorRequest.DeclareMergeable declare) {
            parts.declareMergeable(declare.mapId(), declare.merger());
            return null;
        }
        if (request instanceof CoordinatorRequest.NearCache near) {
            parts.nearCache(near.mapId(), near.key(), near.on());
            return null;
        }
        if (request instanceof CoordinatorRequest.Salt salt) {
            parts.salt(salt.mapId(), salt.key(), salt.parts());
            return null;
        }
        if (request instanceof CoordinatorRequest.Pin pin) {
            return parts.pin(pin.mapId(), pin.key(), pin.naturalSlot(), pin.member());
        }
        if (request instanceof CoordinatorRequest.Unpin unpin) {
            return parts.unpin(unpin.mapId(), unpin.key(), unpin.naturalSlot());
        }
        if (request instanceof CoordinatorRequest.HotKeyStatsQuery) {
            return parts.hotKeyStats();
        }
        if (request instanceof CoordinatorRequest.IndexStatsQuery) {
            return parts.indexStats();
        }
        if (request instanceof CoordinatorRequest.VerifyIndex verify) {
            return parts.verifyIndex(verify.mapName(), verify.indexName());
        }
        if (request instanceof CoordinatorRequest.Leave leave) {
            changes.drain(parts, leave.member());
            return null;
        }
        if (request instanceof CoordinatorRequest.AcknowledgeLost) {
            parts.acknowledgeLostSlots();
            parts.migrations.rebalance(cluster); // the slots that were lost move again (not awaited)
            return null;
        }
        throw new IllegalArgumentException("unknown coordinator request " + request);
    }

    private static CoordinatorRequest.MigrationCounts counts(MigrationStats stats) {
        return new CoordinatorRequest.MigrationCounts(stats.slotsDone(), stats.slotsCancelled(), stats.slotsFailed(),
                stats.slotsInFlight(), Math.max(0, stats.slotsLeft() - stats.slotsInFlight()), stats.entriesMoved(),
                stats.entriesPerSecond(), stats.entriesLeft(), stats.cutovers(), stats.cutoverP50Nanos(),
                stats.cutoverP99Nanos(), stats.cutoverMaxNanos());
    }
}
