package dev.slotgrid;

/**
 * A message one member sends another through a {@link Transport}: the only way anything crosses
 * between members (docs/architecture.md, "The walls between members").
 *
 * <p>Every request is an immutable record of plain data: numbers, strings, keys and values (which
 * a network binding encodes with the grid's codecs), other such records. None holds a lambda, a
 * lock or an object whose identity matters, so the serializing binding carries every one of them
 * unchanged, except the {@link InProcess} ones, which exist only where caller and callee share a heap.
 *
 * <p>Families: {@link KeyRequest} (one key of one map, routed by slot and epoch), {@link BatchRequest}
 * (many keys of one map for one owner), {@link ControlRequest} (tables, maps, stats),
 * {@link MigrationRequest} (the five phases), {@link IndexRequest} (index definitions, builds and
 * verification), {@link QueryRequest} (scatter-gather fragments) and {@link HotKeyRequest} (near
 * caches, salting, reports) and {@link DirectoryRequest} (moving a key between slots).
 */
sealed interface Request permits KeyRequest, BatchRequest, ControlRequest, MigrationRequest, IndexRequest, QueryRequest,
        HotKeyRequest, DirectoryRequest, CoordinatorRequest, ReplicaRequest {

    /**
     * A request that carries a reference only a callee in the same heap can use (a user's function).
     * Transports that copy requests refuse it ({@link Transport#carriesReferences()} is false), and
     * callers then use the conditional-write form instead ({@link CallerSideFunctions}).
     */
    interface InProcess {
    }
}
