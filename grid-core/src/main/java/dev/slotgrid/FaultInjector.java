package dev.slotgrid;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Faults to inject into the messages between an embedded grid's members, for tests of what the
 * grid promises when a member is slow or misses messages ({@link SlotGridBuilder#faults}). Rules
 * may be added and cleared while the grid runs; they apply to requests sent after the change.
 *
 * <p>A dropped table publication or other control message is lost silently (the member keeps what
 * it had, as if the message never arrived); a dropped request of any other kind fails on the sender
 * with an {@link IllegalStateException} that says so. A delay holds each matching request for the
 * given time before it is delivered (the sender waits).
 *
 * <p>Thread-safe.
 */
public final class FaultInjector {

    /** The families of messages a rule can match. */
    public enum Kind {
        /** Map operations on keys, single or batched. */
        MAP,
        /** Slot-table publications. */
        TABLE,
        /** The steps of live slot migrations. */
        MIGRATION,
        /** Index definitions, builds and maintenance. */
        INDEX,
        /** Scatter-gather query fragments. */
        QUERY,
        /** Hot-key reports, near-cache and salting changes. */
        HOT_KEY,
        /** Replication batches from a slot's owner to its backups. */
        REPLICA,
        /** Everything else: map catalog, stats, key moves. */
        CONTROL
    }

    record Rule(String member, Kind kind, boolean drop, long delayNanos) {
    }

    private final CopyOnWriteArrayList<Rule> rules = new CopyOnWriteArrayList<>();

    /**
     * Drops every request of a kind to a member from now on.
     *
     * @param memberName the receiving member's name
     * @param kind the family of messages
     * @return this injector
     */
    public FaultInjector drop(String memberName, Kind kind) {
        rules.add(new Rule(Objects.requireNonNull(memberName, "member name must not be null"),
                Objects.requireNonNull(kind, "kind must not be null"), true, 0));
        return this;
    }

    /**
     * Delays every request of a kind to a member from now on.
     *
     * @param memberName the receiving member's name
     * @param kind the family of messages
     * @param delay how long each is held, positive
     * @return this injector
     * @throws IllegalArgumentException if the delay is not positive
     */
    public FaultInjector delay(String memberName, Kind kind, Duration delay) {
        Objects.requireNonNull(delay, "delay must not be null");
        if (delay.isNegative() || delay.isZero()) {
            throw new IllegalArgumentException("delay must be positive, was " + delay);
        }
        rules.add(new Rule(Objects.requireNonNull(memberName, "member name must not be null"),
                Objects.requireNonNull(kind, "kind must not be null"), false, delay.toNanos()));
        return this;
    }

    /** Removes every rule: messages flow normally again. */
    public void clear() {
        rules.clear();
    }

    /** The rules that match a request to a member, in the order they were added. */
    Rule[] matching(String memberName, Request request) {
        if (rules.isEmpty()) {
            return NONE;
        }
        Kind kind = kindOf(request);
        return rules.stream().filter(r -> r.kind() == kind && r.member().equals(memberName)).toArray(Rule[]::new);
    }

    private static final Rule[] NONE = new Rule[0];

    static Kind kindOf(Request request) {
        if (request instanceof IndexKeyRequest || request instanceof IndexRequest) {
            return Kind.INDEX;
        }
        if (request instanceof KeyRequest || request instanceof BatchRequest) {
            return Kind.MAP;
        }
        if (request instanceof ControlRequest.PublishTable) {
            return Kind.TABLE;
        }
        if (request instanceof MigrationRequest) {
            return Kind.MIGRATION;
        }
        if (request instanceof QueryRequest) {
            return Kind.QUERY;
        }
        if (request instanceof HotKeyRequest) {
            return Kind.HOT_KEY;
        }
        if (request instanceof ReplicaRequest) {
            return Kind.REPLICA;
        }
        return Kind.CONTROL;
    }
}
