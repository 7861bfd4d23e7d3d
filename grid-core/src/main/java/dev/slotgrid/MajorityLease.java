package dev.slotgrid;

import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.SlotTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Whether a clustered member may serve its slots: only while a {@link Quorum} of its table's
 * members has confirmed it recently. Every {@code probeEvery} it asks each member of its table
 * ({@link CoordinatorRequest.LeaseProbe}); a member confirms one it lists and its membership sees.
 * The lease runs {@link #leaseNanos} from the moment the probe was <em>sent</em> that completed the
 * quorum, so it is never longer than the others' memory of this member.
 *
 * <p>Why it is safe: the other side of a split takes this member's slots over only once Hazelcast
 * has declared it dead, after the failure timeout of silence. The lease is shorter than that timeout
 * by more than one Hazelcast heartbeat interval ({@link #forFailureTimeout}), so a member cut off
 * from the majority has stopped serving (reads too: {@code DENY_READ_WRITES}) before any slot of
 * its is served elsewhere. A member frozen past its lease (a pause, {@code kill -STOP}) finds it
 * lapsed when it runs again: monotonic time ran on while it was stopped. It assumes what every
 * lease does: the members' monotonic clocks run at about the same rate (one machine, or NTP-slewed
 * hosts).
 *
 * <p>Thread-safe. {@link #holds()} is one volatile read and one {@link System#nanoTime()};
 * {@link #require()} waits, only when the lease has lapsed, up to half a lease for a fresh probe
 * round before it refuses.
 */
final class MajorityLease implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MajorityLease.class.getName());
    /** {@link #validUntil} of a member that is a quorum on its own (a grid of one, or the lower of two). */
    private static final long ALWAYS = Long.MIN_VALUE;
    /** Hazelcast's heartbeat interval ({@link HazelcastMembership}): the lease ends at least this much before the timeout. */
    static final Duration HEARTBEAT = Duration.ofSeconds(1);

    private final String self;
    private final long leaseNanos;
    private final long probeNanos;
    private final Transport transport;
    private final Supplier<SlotTable> table;
    private final LongSupplier clock;
    private final ScheduledExecutorService prober;
    /** Send time of the last probe each member confirmed. @GuardedBy("this") */
    private final Map<String, Long> confirmedAt = new HashMap<>();
    /** Until when (clock) this member may serve; {@link #ALWAYS}, or a time that may have passed. */
    private volatile long validUntil;
    /** @GuardedBy("this") */
    private long lastRound = Long.MIN_VALUE;
    /** Whether the last recompute found the lease holding (its changes are logged). @GuardedBy("this") */
    private boolean serving;
    /** When the lease last lapsed after holding; {@code Long.MIN_VALUE} if never. @GuardedBy("this") */
    private long lastLapse = Long.MIN_VALUE;

    /**
     * @param self this member's name
     * @param lease how long a quorum's confirmation lets this member serve, from the probe's sending
     * @param transport the data plane to probe the others on
     * @param table this member's current table ({@code null} before its admission)
     * @param clock monotonic nanoseconds ({@code System::nanoTime}; a test's own)
     * @param probing whether to probe on a thread of its own ({@code false}: a test calls {@link #probeRound()})
     */
    MajorityLease(String self, Duration lease, Transport transport, Supplier<SlotTable> table, LongSupplier clock,
            boolean probing) {
        this.self = self;
        this.leaseNanos = lease.toNanos();
        this.probeNanos = Math.max(1, leaseNanos / 4);
        this.transport = transport;
        this.table = table;
        this.clock = clock;
        this.validUntil = clock.getAsLong() - 1; // lapsed until a quorum confirms (or the table says alone)
        if (probing) {
            prober = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "slotgrid-" + self + "-lease");
                thread.setDaemon(true);
                return thread;
            });
            prober.scheduleWithFixedDelay(this::probeQuietly, 0, probeNanos, TimeUnit.NANOSECONDS);
        } else {
            prober = null;
        }
    }

    /** The lease for a failure timeout: half of what the timeout leaves after one Hazelcast heartbeat. */
    static Duration forFailureTimeout(Duration failureTimeout) {
        return failureTimeout.minus(HEARTBEAT).dividedBy(2);
    }

    /** Whether this member may serve now. */
    boolean holds() {
        long until = validUntil;
        return until == ALWAYS || clock.getAsLong() - until < 0;
    }

    /**
     * Returns if this member may serve now; if its lease has lapsed, probes the others at once and
     * waits up to half a lease for a quorum to confirm it.
     *
     * @throws NoMajorityException if no quorum confirmed it in that time
     */
    void require() {
        if (holds()) {
            return;
        }
        probeRound();
        long deadline = clock.getAsLong() + leaseNanos / 2;
        synchronized (this) {
            for (long left = deadline - clock.getAsLong(); !holds() && left > 0; left = deadline - clock.getAsLong()) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (!holds()) {
            throw new NoMajorityException(describeLapse());
        }
    }

    /** Probes every other member of the table once (no more often than every few milliseconds). */
    void probeRound() {
        SlotTable known = table.get();
        if (known == null) {
            return;
        }
        long sentAt = clock.getAsLong();
        synchronized (this) {
            if (lastRound != Long.MIN_VALUE && sentAt - lastRound < TimeUnit.MILLISECONDS.toNanos(5)) {
                return;
            }
            lastRound = sentAt;
        }
        recompute(known);
        NodeInfo me = null;
        for (NodeInfo node : known.nodes()) {
            if (node.name().equals(self)) {
                me = node;
            }
        }
        if (me == null) {
            return; // not (or no longer) in its own table: nobody would confirm it
        }
        CoordinatorRequest.LeaseProbe probe = new CoordinatorRequest.LeaseProbe(self, me.id());
        for (NodeInfo node : known.nodes()) {
            if (node.name().equals(self)) {
                continue;
            }
            try {
                transport.send(node.id(), probe).whenComplete((reply, failure) -> {
                    if (failure == null && Boolean.TRUE.equals(reply)) {
                        confirmed(node.name(), sentAt);
                    }
                });
            } catch (RuntimeException unreachable) {
                // no confirmation from it this round
            }
        }
    }

    private void probeQuietly() {
        try {
            probeRound();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "member '" + self + "': a lease probe round failed; the next one retries", e);
        }
    }

    /** A member confirmed the probe sent at {@code sentAt}. */
    void confirmed(String member, long sentAt) {
        SlotTable known = table.get();
        synchronized (this) {
            Long before = confirmedAt.get(member);
            if (before == null || sentAt - before > 0) {
                confirmedAt.put(member, sentAt);
            }
            if (known != null) {
                recompute(known);
            }
            notifyAll();
        }
    }

    /**
     * The lease ends {@link #leaseNanos} after the oldest confirmation among the freshest ones that
     * make a quorum with this member.
     */
    private synchronized void recompute(SlotTable known) {
        List<NodeInfo> others = new ArrayList<>();
        for (NodeInfo node : known.nodes()) {
            if (!node.name().equals(self) && confirmedAt.containsKey(node.name())) {
                others.add(node);
            }
        }
        others.sort((a, b) -> Long.compare(confirmedAt.get(b.name()) - confirmedAt.get(a.name()), 0));
        Set<String> quorum = new HashSet<>();
        quorum.add(self);
        long until;
        if (Quorum.holds(known, quorum)) {
            until = ALWAYS;
        } else {
            until = clock.getAsLong() - 1;
            for (NodeInfo node : others) {
                quorum.add(node.name());
                if (Quorum.holds(known, quorum)) {
                    until = confirmedAt.get(node.name()) + leaseNanos;
                    break;
                }
            }
        }
        validUntil = until;
        boolean is = holds();
        if (serving && !is) {
            LOG.log(System.Logger.Level.WARNING, describeLapse());
        } else if (!serving && is && lastLapse != Long.MIN_VALUE) {
            LOG.log(System.Logger.Level.INFO, "member '" + self + "' is confirmed by a majority of its grid's members"
                    + " again: it serves its slots");
        }
        if (serving && !is) {
            lastLapse = clock.getAsLong();
        }
        serving = is;
    }

    private synchronized String describeLapse() {
        long now = clock.getAsLong();
        List<String> recent = new ArrayList<>();
        recent.add(self);
        for (Map.Entry<String, Long> entry : confirmedAt.entrySet()) {
            if (now - entry.getValue() < leaseNanos) {
                recent.add(entry.getKey());
            }
        }
        SlotTable known = table.get();
        List<String> members = new ArrayList<>();
        if (known != null) {
            for (NodeInfo node : known.nodes()) {
                members.add(node.name());
            }
        }
        return "member '" + self + "' refuses reads and writes: only " + recent + " confirmed it within its lease of "
                + TimeUnit.NANOSECONDS.toMillis(leaseNanos) + " ms, no majority of its grid's members " + members
                + " (cut off by a network split, or paused); the majority may have taken its slots over. It serves"
                + " again once a majority confirms it";
    }

    @Override
    public void close() {
        if (prober != null) {
            prober.shutdownNow();
        }
    }
}
