package dev.slotgrid;

import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.SlotTable;

/**
 * What a clustered member asks of the coordinator (the oldest member, which runs the control
 * plane), and what the coordinator tells a member that joins. A member that is not the coordinator
 * answers a coordinator request with {@link NotCoordinator}, naming who is as far as it knows; the
 * asker then asks again there.
 */
sealed interface CoordinatorRequest extends Request permits CoordinatorRequest.Admit, CoordinatorRequest.AssignMapId,
        CoordinatorRequest.LatestTable, CoordinatorRequest.FoldBack, CoordinatorRequest.AddIndex,
        CoordinatorRequest.Migrate, CoordinatorRequest.CancelMigration, CoordinatorRequest.MigrationCounters,
        CoordinatorRequest.Rebalance, CoordinatorRequest.DeclareMergeable, CoordinatorRequest.NearCache,
        CoordinatorRequest.Salt, CoordinatorRequest.Pin, CoordinatorRequest.Unpin, CoordinatorRequest.HotKeyStatsQuery,
        CoordinatorRequest.IndexStatsQuery, CoordinatorRequest.VerifyIndex, CoordinatorRequest.Leave,
        CoordinatorRequest.AcknowledgeLost, CoordinatorRequest.MemberState, CoordinatorRequest.LeaseProbe {

    /** Coordinator to a member that joins: its id, and the table to start from. Replies {@code null}. */
    record Admit(NodeInfo info, SlotTable table) implements CoordinatorRequest {
    }

    /** The id of a map name (internal: one of the grid's own), given now if it has none. Replies an {@code Integer}. */
    record AssignMapId(String name, boolean internal) implements CoordinatorRequest {
    }

    /** Replies the coordinator's newest {@link SlotTable}. */
    record LatestTable() implements CoordinatorRequest {
    }

    /** A salted key is folded back into one entry (before a write other than add). Replies {@code null}. */
    record FoldBack(int mapId, Object key) implements CoordinatorRequest {
    }

    record AddIndex(String mapName, IndexDefinition definition) implements CoordinatorRequest {
    }

    /** Moves a slot; replies once it is done (or fails as the migration did). */
    record Migrate(int slot, int target) implements CoordinatorRequest {
    }

    /** Replies a {@code Boolean}: whether a migration was cancelled. */
    record CancelMigration(int slot) implements CoordinatorRequest {
    }

    /** Replies the coordinator's {@link MigrationCounts}. */
    record MigrationCounters() implements CoordinatorRequest {
    }

    /** The coordinator's migration counters, as they travel. */
    record MigrationCounts(long slotsDone, long slotsCancelled, long slotsFailed, int inFlight, int queued,
            long entriesMoved, double entriesPerSecond, long entriesLeft, long cutovers, long cutoverP50Nanos,
            long cutoverP99Nanos, long cutoverMaxNanos) {
    }

    /** Moves slots until every member holds its fair share; replies once done. */
    record Rebalance() implements CoordinatorRequest {
    }

    record DeclareMergeable(int mapId, String merger) implements CoordinatorRequest {
    }

    record NearCache(int mapId, Object key, boolean on) implements CoordinatorRequest {
    }

    record Salt(int mapId, Object key, int parts) implements CoordinatorRequest {
    }

    /** Replies the slot ({@code Integer}) the key is pinned to. */
    record Pin(int mapId, Object key, int naturalSlot, int member) implements CoordinatorRequest {
    }

    /** Replies a {@code Boolean}: whether the key was pinned. */
    record Unpin(int mapId, Object key, int naturalSlot) implements CoordinatorRequest {
    }

    /** Replies the grid's {@link HotKeyStats}. */
    record HotKeyStatsQuery() implements CoordinatorRequest {
    }

    /** Replies the grid's {@link IndexStats}. */
    record IndexStatsQuery() implements CoordinatorRequest {
    }

    /** Replies an {@link IndexVerification}. */
    record VerifyIndex(String mapName, String indexName) implements CoordinatorRequest {
    }

    /** A member leaves gracefully: its slots move away first, then it leaves the table. Replies once done. */
    record Leave(int member) implements CoordinatorRequest {
    }

    /** Lost slots are served again, empty, from now on. Replies {@code null}. */
    record AcknowledgeLost() implements CoordinatorRequest {
    }

    /**
     * Asked of every member the membership shows by a member that takes over as coordinator, or that
     * is about to declare others dead: replies a {@link MemberView}. Answered by a member that does
     * not coordinate, too.
     */
    record MemberState() implements CoordinatorRequest {
    }

    /**
     * Asked of every member of its table by a member renewing its {@link MajorityLease}: replies
     * {@code Boolean.TRUE} if the member asked lists the asker, by that name and id, in its table and
     * its membership sees it, else {@code FALSE} (a new member of the same name does not vouch for an
     * old one). Answered by every member.
     */
    record LeaseProbe(String member, int id) implements CoordinatorRequest {
        public LeaseProbe {
            java.util.Objects.requireNonNull(member, "member must not be null");
        }
    }

    /**
     * What a member sees: its table ({@code null} before its admission), for the successor to
     * continue from the highest epoch any member has seen; and the name of the oldest member in its
     * own membership ({@code null} if none), the member it follows as coordinator.
     */
    record MemberView(SlotTable table, String oldest) {
    }

    /** The answer of a member that does not coordinate: who does, as far as it knows (-1: nobody yet). */
    record NotCoordinator(int coordinator) {
    }
}
