package dev.slotgrid;

import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.BiPredicate;

/**
 * A query on a named map: at most one index condition (equality, {@code in}, or a range of a
 * LOCAL index), a filter, a limit, an order (top-K), executed where the data is so that only the
 * answer travels. Obtained from {@link SlotGrid#query} or {@link GridNode#query}.
 *
 * <pre>{@code
 * QueryResult<String, User> parisians = grid.<String, User>query("users")
 *         .eq("by-city", "Paris")                      // a LOCAL or GLOBAL index
 *         .filter((id, user) -> user.age() >= 18)
 *         .orderBy(Comparator.comparing(User::age))
 *         .limit(10)
 *         .execute();
 * }</pre>
 *
 * <p>How it runs, by what it names:
 * <ul>
 *   <li>a GLOBAL index ({@code eq}/{@code in}): on the calling thread, one index slot per value,
 *       then each candidate's base entry; with {@link #awaitIndexed}, after the index has caught up
 *       with every write that happened before the call (read-your-writes);
 *   <li>a partition key ({@link #partitionKey}): the one slot of that key, on the calling thread,
 *       through its LOCAL index or a scan of the slot;
 *   <li>otherwise, scatter-gather: every node at once (a small pool of the grid's threads), each
 *       over the slots it serves, through the LOCAL index or a scan, within the
 *       {@linkplain #nodeBudget per-node time budget}. Slots that moved during the query are asked
 *       again where they went. The result says how many slots answered; the
 *       {@linkplain #onPartial policy} decides whether a partial answer is returned or fails.
 * </ul>
 *
 * <p><b>Thread-safety.</b> Immutable: every method returns a new query; a query may be kept and
 * executed any number of times from any thread.
 *
 * <p><b>Nullness.</b> No argument may be {@code null} ({@link NullPointerException}).
 *
 * <p><b>Atomicity.</b> Each entry returned was re-checked on its owner against the index
 * condition and the filter when read: a stale index entry never yields a wrong entry. The answer
 * as a whole is weakly consistent, not a snapshot: an entry written during the query may or may
 * not be in it. Queries never write.
 *
 * <p><b>Failure.</b> Building a query with a bad argument throws {@link IllegalArgumentException}
 * at once. Executing it throws {@link IllegalArgumentException} if the index does not exist or
 * cannot answer the condition (a range on a GLOBAL index), {@link PartialResultException} under
 * {@link PartialResultPolicy#FAIL} when slots did not answer (in time, from a member that cannot be
 * reached, or lost with a member that died: {@link QueryResult#slotsLost()}),
 * {@link SlotLostException} for a {@link #partitionKey} whose slot was lost,
 * {@link IllegalStateException} if the grid is closed or {@link #awaitIndexed} timed out, and
 * whatever the filter or comparator throws.
 *
 * <p><b>Cost.</b> GLOBAL: one read per value plus one read per candidate, no matter how many nodes.
 * Scatter-gather: one task per node, and on each node the index's candidates (or every entry for a
 * scan) of its slots; with a limit and no order it stops as soon as the limit is met. A filter and
 * comparator run on the nodes.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class GridQuery<K, V> {

    /** The per-node time budget unless {@link #nodeBudget} says otherwise. */
    public static final Duration DEFAULT_NODE_BUDGET = Duration.ofSeconds(5);

    final GridNode entry;
    final String mapName;
    final int mapId;
    final String indexName;
    final IndexCondition condition;
    final BiPredicate<? super K, ? super V> filter;
    final Object partitionKey;
    final int limit;
    final Comparator<? super V> order;
    final Duration nodeBudget;
    final PartialResultPolicy onPartial;
    final Duration awaitIndexed;

    GridQuery(GridNode entry, String mapName, int mapId) {
        this(entry, mapName, mapId, null, null, null, null, Integer.MAX_VALUE, null, DEFAULT_NODE_BUDGET,
                PartialResultPolicy.FAIL, null);
    }

    private GridQuery(GridNode entry, String mapName, int mapId, String indexName, IndexCondition condition,
            BiPredicate<? super K, ? super V> filter, Object partitionKey, int limit, Comparator<? super V> order,
            Duration nodeBudget, PartialResultPolicy onPartial, Duration awaitIndexed) {
        this.entry = entry;
        this.mapName = mapName;
        this.mapId = mapId;
        this.indexName = indexName;
        this.condition = condition;
        this.filter = filter;
        this.partitionKey = partitionKey;
        this.limit = limit;
        this.order = order;
        this.nodeBudget = nodeBudget;
        this.onPartial = onPartial;
        this.awaitIndexed = awaitIndexed;
    }

    private GridQuery<K, V> where(String index, IndexCondition where) {
        Objects.requireNonNull(index, "index name must not be null");
        if (indexName != null) {
            throw new IllegalArgumentException("a query takes one index condition; it has one on '" + indexName + "'");
        }
        return new GridQuery<>(entry, mapName, mapId, index, where, filter, partitionKey, limit, order, nodeBudget,
                onPartial, awaitIndexed);
    }

    /**
     * Entries whose index values include {@code value}.
     *
     * @param index a LOCAL or GLOBAL index of the map
     * @param value the index value
     * @return the refined query
     * @throws IllegalArgumentException if the query already has an index condition
     */
    public GridQuery<K, V> eq(String index, Object value) {
        return where(index, IndexCondition.in(List.of(Objects.requireNonNull(value, "value must not be null"))));
    }

    /**
     * Entries whose index values include any of {@code values}.
     *
     * @param index a LOCAL or GLOBAL index of the map
     * @param values one or more index values
     * @return the refined query
     * @throws IllegalArgumentException if {@code values} is empty or the query already has an index condition
     */
    public GridQuery<K, V> in(String index, Collection<?> values) {
        return where(index, IndexCondition.in(values));
    }

    /**
     * Entries with an index value in a range of a LOCAL index (ordered by the values' natural order).
     *
     * @param index a LOCAL index of the map
     * @param from the lower bound, or {@code null} for none
     * @param fromInclusive whether {@code from} itself matches
     * @param to the upper bound, or {@code null} for none
     * @param toInclusive whether {@code to} itself matches
     * @return the refined query
     * @throws IllegalArgumentException if a bound is not {@link Comparable}, the bounds are of two
     *     classes, or the query already has an index condition
     */
    public GridQuery<K, V> range(String index, Object from, boolean fromInclusive, Object to, boolean toInclusive) {
        return where(index, IndexCondition.range(from, fromInclusive, to, toInclusive));
    }

    /**
     * Keeps only entries that pass a predicate, evaluated on the nodes. Several filters all apply.
     *
     * @param predicate side-effect free, thread-safe: it runs on the nodes' threads
     * @return the refined query
     */
    public GridQuery<K, V> filter(BiPredicate<? super K, ? super V> predicate) {
        Objects.requireNonNull(predicate, "predicate must not be null");
        BiPredicate<? super K, ? super V> before = filter;
        BiPredicate<K, V> both = before == null ? predicate::test : (k, v) -> before.test(k, v) && predicate.test(k, v);
        return new GridQuery<>(entry, mapName, mapId, indexName, condition, both, partitionKey, limit, order,
                nodeBudget, onPartial, awaitIndexed);
    }

    /**
     * Restricts the query to the slot of a key (for example a hash-tagged tenant key): it then runs
     * on that slot's owner only, on the calling thread.
     *
     * @param key a key of the map's key type
     * @return the refined query
     * @throws IllegalArgumentException if the partitioner does not accept the key
     */
    public GridQuery<K, V> partitionKey(K key) {
        Objects.requireNonNull(key, "partition key must not be null");
        entry.member().config().slotOf(key); // validates now
        return new GridQuery<>(entry, mapName, mapId, indexName, condition, filter, key, limit, order, nodeBudget,
                onPartial, awaitIndexed);
    }

    /**
     * Returns at most {@code n} entries: the first {@code n} by {@link #orderBy} if set (top-K,
     * each node sends only its own first {@code n}), else any {@code n} matches. Not applied by
     * {@link #count()}.
     *
     * @param n 1 or more
     * @return the refined query
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public GridQuery<K, V> limit(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + n);
        }
        return new GridQuery<>(entry, mapName, mapId, indexName, condition, filter, partitionKey, n, order, nodeBudget,
                onPartial, awaitIndexed);
    }

    /**
     * Orders the entries by their values; with {@link #limit} a top-K.
     *
     * @param comparator thread-safe; it runs on the nodes and on the calling thread
     * @return the refined query
     */
    public GridQuery<K, V> orderBy(Comparator<? super V> comparator) {
        Objects.requireNonNull(comparator, "comparator must not be null");
        return new GridQuery<>(entry, mapName, mapId, indexName, condition, filter, partitionKey, limit, comparator,
                nodeBudget, onPartial, awaitIndexed);
    }

    /**
     * How long each node may take over its share of a scatter-gather (default
     * {@link #DEFAULT_NODE_BUDGET}). Nodes work in parallel, so this bounds the query's time too; a
     * node that is not done in time stops (or is no longer waited for) and its missing slots make
     * the result partial.
     *
     * @param budget positive
     * @return the refined query
     * @throws IllegalArgumentException if not positive
     */
    public GridQuery<K, V> nodeBudget(Duration budget) {
        Objects.requireNonNull(budget, "budget must not be null");
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("node budget must be positive, was " + budget);
        }
        return new GridQuery<>(entry, mapName, mapId, indexName, condition, filter, partitionKey, limit, order, budget,
                onPartial, awaitIndexed);
    }

    /**
     * What to do when not every slot answered in time (default {@link PartialResultPolicy#FAIL}).
     *
     * @param policy the policy
     * @return the refined query
     */
    public GridQuery<K, V> onPartial(PartialResultPolicy policy) {
        Objects.requireNonNull(policy, "policy must not be null");
        return new GridQuery<>(entry, mapName, mapId, indexName, condition, filter, partitionKey, limit, order,
                nodeBudget, policy, awaitIndexed);
    }

    /**
     * Read-your-writes for a GLOBAL index: before reading it, wait until every index update
     * enqueued before this call, on any node, has been applied, which includes every write that
     * happened-before the call (the caller's own). LOCAL indexes are always up to date and ignore it.
     *
     * @param timeout how long to wait at most; past it the query fails with {@link IllegalStateException}
     * @return the refined query
     * @throws IllegalArgumentException if negative
     */
    public GridQuery<K, V> awaitIndexed(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout must not be null");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("awaitIndexed timeout must not be negative, was " + timeout);
        }
        return new GridQuery<>(entry, mapName, mapId, indexName, condition, filter, partitionKey, limit, order,
                nodeBudget, onPartial, timeout);
    }

    /**
     * Runs the query and returns the matching entries.
     *
     * @return the result
     */
    public QueryResult<K, V> execute() {
        return entry.queries().run(this, false);
    }

    /**
     * Runs the query and returns only how many entries match (the nodes send counts, not entries).
     *
     * @return the result, with {@link QueryResult#count()} set and no entries
     */
    public QueryResult<K, V> count() {
        return entry.queries().run(this, true);
    }

    @Override
    public String toString() {
        return "GridQuery{" + mapName + (indexName == null ? "" : ", " + indexName + " " + condition)
                + (partitionKey == null ? "" : ", partitionKey=" + partitionKey)
                + (limit == Integer.MAX_VALUE ? "" : ", limit=" + limit) + (order == null ? "" : ", ordered") + "}";
    }
}
