package dev.slotgrid;

/**
 * The steps of a live slot migration (docs/architecture.md, "Live slot migration"), sent by the
 * {@link MigrationManager} to the slot's source and target members; the source ships entries to the
 * target itself with {@link ImportEntries}. Every step names its slot; a member holds at most one
 * outgoing and one incoming migration per slot.
 */
sealed interface MigrationRequest extends Request permits MigrationRequest.PrepareImport,
        MigrationRequest.BeginMigrating, MigrationRequest.ShipSnapshot, MigrationRequest.ShipChanges,
        MigrationRequest.ImportEntries, MigrationRequest.SealOutgoing, MigrationRequest.Activate,
        MigrationRequest.Forward, MigrationRequest.DropForwarded, MigrationRequest.CancelOutgoing,
        MigrationRequest.AbortImport {

    int slot();

    /** Target, phase 1: an IMPORTING store, invisible to clients, for the slot from {@code from}. */
    record PrepareImport(int slot, int from) implements MigrationRequest {
    }

    /**
     * Source, phase 1: OWNED becomes MIGRATING; from now on every write of the slot is also logged.
     * Replies the slot's entry count ({@code Long}); fails if the member does not own the slot.
     */
    record BeginMigrating(int slot, int to) implements MigrationRequest {
    }

    /**
     * Source, phase 2: ships up to {@code maxEntries} more entries of its weakly consistent snapshot to
     * the target. Replies {@link Shipped}, {@code done} once the snapshot is exhausted.
     */
    record ShipSnapshot(int slot, int maxEntries) implements MigrationRequest {
    }

    /**
     * Source, phases 3 and 4: ships up to {@code maxKeys} logged keys with their current value (or their
     * removal). Replies {@link Shipped} with the keys still logged.
     */
    record ShipChanges(int slot, int maxKeys) implements MigrationRequest {
    }

    /** Target: entries of one map into the importing store; {@code values[i] == null} removes {@code keys[i]}. */
    record ImportEntries(int slot, int mapId, Object[] keys, Object[] values) implements MigrationRequest {
    }

    /** Source, phase 4: seal the slot (no new writer) and wait for the writers inside to leave. */
    record SealOutgoing(int slot, long timeoutNanos) implements MigrationRequest {
    }

    /** Target, phase 4: IMPORTING becomes OWNED at {@code epoch}. */
    record Activate(int slot, long epoch) implements MigrationRequest {
    }

    /** Source, phase 4: SEALED becomes FORWARDED to {@code to} at {@code epoch}; stragglers get MOVED. */
    record Forward(int slot, int to, long epoch) implements MigrationRequest {
    }

    /** Source, phase 5: the forwarded data is dropped, and its stores closed once its readers are done. */
    record DropForwarded(int slot) implements MigrationRequest {
    }

    /** Source, before cutover: the migration is abandoned; the source is OWNED again. */
    record CancelOutgoing(int slot) implements MigrationRequest {
    }

    /** Target, before cutover: the migration is abandoned; the slot holds what it held before. */
    record AbortImport(int slot) implements MigrationRequest {
    }

    /** A ship step's answer: entries sent, whether the snapshot is exhausted, keys still logged. */
    record Shipped(int entries, boolean done, int backlog) {
    }
}
