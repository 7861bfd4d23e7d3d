package dev.slotgrid;

import java.util.List;

/**
 * Index definitions, builds, outbox progress and verification, sent by the
 * {@link IndexCoordinator} to every member (docs/architecture.md, "Secondary indexes"). The index
 * updates that are routed by slot are {@link IndexKeyRequest}s.
 */
sealed interface IndexRequest extends Request permits IndexRequest.InstallIndexes, IndexRequest.AwaitWritersOutside,
        IndexRequest.BuildLocal, IndexRequest.BuildGlobal, IndexRequest.OutboxPosition, IndexRequest.AwaitOutbox,
        IndexRequest.OutboxStats, IndexRequest.VerifyLocalPart, IndexRequest.GlobalEntriesPart {

    /**
     * An index as it travels: its ids, the user's definition (each member resolves the extractor by
     * name), and whether it is built and may be queried.
     */
    record IndexSpec(int id, int mapId, String mapName, IndexDefinition definition, int entriesMapId, boolean ready) {
    }

    /** The indexes of a map from now on (writers on the member maintain them at once). Replies {@code null}. */
    record InstallIndexes(int mapId, List<IndexSpec> indexes) implements IndexRequest {
    }

    /** Waits until every slot store of the member has been seen with no writer inside. Replies {@code null}. */
    record AwaitWritersOutside(long timeoutNanos) implements IndexRequest {
    }

    /** Indexes the entries of every slot store of the member, importing ones included. Replies {@code null}. */
    record BuildLocal(int indexId, int mapId) implements IndexRequest {
    }

    /**
     * Visits each of {@code slots} the member serves: claims each entry's unique values and enqueues
     * an update for it. Replies a {@link BuildReport}.
     */
    record BuildGlobal(int indexId, int mapId, int[] slots) implements IndexRequest {
    }

    /**
     * Entries that claimed a unique value another key holds, while building a GLOBAL index; the
     * slots the member does not serve now ({@code moved}).
     */
    record BuildReport(long duplicates, List<String> samples, int[] moved) {
    }

    /** Replies the number of updates ({@code Long}) ever enqueued in the member's outbox. */
    record OutboxPosition() implements IndexRequest {
    }

    /** Waits until the member's outbox has applied {@code target} updates. Replies {@code Boolean}: in time or not. */
    record AwaitOutbox(long target, long timeoutNanos) implements IndexRequest {
    }

    /** Replies the member's outbox {@link IndexStats.Node}, or {@code null} if it has none. */
    record OutboxStats() implements IndexRequest {
    }

    /** Checks a LOCAL index against the entries in {@code slots}. Replies a {@link LocalVerification}. */
    record VerifyLocalPart(int indexId, int mapId, int[] slots) implements IndexRequest {
    }

    /** One member's share of a LOCAL index check; {@code moved}: slots it does not serve now. */
    record LocalVerification(long baseEntries, long expectedPairs, long missing, long stale, List<String> samples,
            int[] moved) {
    }

    /**
     * Lists, for {@code slots}, the (index value, key) pairs the base entries imply and those the
     * index's entries hold. Replies a {@link GlobalEntries}.
     */
    record GlobalEntriesPart(int indexId, int mapId, int entriesMapId, int[] slots) implements IndexRequest {
    }

    /** One member's share of a GLOBAL index check; values in stored form; {@code moved}: slots it does not serve now. */
    record GlobalEntries(long baseEntries, List<GlobalPair> implied, List<GlobalPair> held, long pendingClaims,
            int[] moved) {
    }
}
