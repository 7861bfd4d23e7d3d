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
 * given time before it is delivered (the sender waits); a {@link #duplicate duplicate} delivers it
 * again later. A {@link #partition partition} drops every
 * request between members of different groups, of every kind; it needs the sender's name, which
 * only clustered members' transports know ({@link ClusterBuilder#faults}): an embedded grid's
 * members share one transport, and a partition there cuts nothing.
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

    /** @param duplicateAfterNanos how long after a request its duplicate is delivered; -1: not duplicated */
    record Rule(String member, Kind kind, boolean drop, long delayNanos, long duplicateAfterNanos) {
    }

    private final CopyOnWriteArrayList<Rule> rules = new CopyOnWriteArrayList<>();
    /** Each partitioned member's group; empty when no partition is set. Replaced whole. */
    private volatile java.util.Map<String, Integer> groups = java.util.Map.of();

    /**
     * Drops every request of a kind to a member from now on.
     *
     * @param memberName the receiving member's name
     * @param kind the family of messages
     * @return this injector
     */
    public FaultInjector drop(String memberName, Kind kind) {
        rules.add(new Rule(Objects.requireNonNull(memberName, "member name must not be null"),
                Objects.requireNonNull(kind, "kind must not be null"), true, 0, -1));
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
                Objects.requireNonNull(kind, "kind must not be null"), false, delay.toNanos(), -1));
        return this;
    }

    /**
     * Delivers every request of a kind to a member twice from now on: once as sent, and again
     * {@code lateBy} later, when later requests may have overtaken it (what a retry after a lost
     * reply, or a reordering network, delivers). The sender gets the first delivery's answer; the
     * duplicate's is dropped. Meant for the messages the grid itself may send again (tables,
     * replication batches, migration steps, control messages): a map write delivered twice is
     * applied twice, as no binding retries one.
     *
     * @param memberName the receiving member's name
     * @param kind the family of messages
     * @param lateBy how long after the first delivery the duplicate comes, zero or more
     * @return this injector
     * @throws IllegalArgumentException if {@code lateBy} is negative
     */
    public FaultInjector duplicate(String memberName, Kind kind, Duration lateBy) {
        Objects.requireNonNull(lateBy, "lateBy must not be null");
        if (lateBy.isNegative()) {
            throw new IllegalArgumentException("lateBy must not be negative, was " + lateBy);
        }
        rules.add(new Rule(Objects.requireNonNull(memberName, "member name must not be null"),
                Objects.requireNonNull(kind, "kind must not be null"), false, 0, lateBy.toNanos()));
        return this;
    }

    /**
     * Splits members into groups from now on, as a network split would: a request from a member of
     * one group to a member of another is dropped before it is sent, in both directions; the
     * sender sees the receiver as unreachable ({@link MemberUnavailableException}). Members named in
     * no group are not cut off. Replaces any earlier partition; {@link #clear()} heals it.
     *
     * @param sides two or more groups of member names, each non-empty, no name in two
     * @return this injector
     * @throws IllegalArgumentException if fewer than two groups are given, one is empty, or a name is
     *     in two of them
     */
    @SafeVarargs
    public final FaultInjector partition(java.util.Collection<String>... sides) {
        Objects.requireNonNull(sides, "groups must not be null");
        if (sides.length < 2) {
            throw new IllegalArgumentException("a partition needs at least two groups, got " + sides.length);
        }
        java.util.Map<String, Integer> next = new java.util.HashMap<>();
        for (int g = 0; g < sides.length; g++) {
            Objects.requireNonNull(sides[g], "group " + g + " must not be null");
            if (sides[g].isEmpty()) {
                throw new IllegalArgumentException("group " + g + " of the partition is empty");
            }
            for (String name : sides[g]) {
                Integer before = next.put(Objects.requireNonNull(name, "member name must not be null"), g);
                if (before != null && before != g) {
                    throw new IllegalArgumentException("member '" + name + "' is in two groups of the partition");
                }
            }
        }
        groups = java.util.Map.copyOf(next);
        return this;
    }

    /** Removes every rule and heals any partition: messages flow normally again. */
    public void clear() {
        rules.clear();
        groups = java.util.Map.of();
    }

    /** Whether a partition cuts the sender off from the receiver ({@code false} if either is unknown). */
    boolean cut(String sender, String receiver) {
        java.util.Map<String, Integer> now = groups;
        if (now.isEmpty() || sender == null || receiver == null) {
            return false;
        }
        Integer from = now.get(sender);
        Integer to = now.get(receiver);
        return from != null && to != null && !from.equals(to);
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
