package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.SlotTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The lease arithmetic of {@link MajorityLease} on a clock the test moves: it holds only while a
 * quorum of the table confirmed probes sent less than a lease ago, counted from the probes'
 * sending; it picks the freshest confirmations; a member that is a quorum alone always holds; and a
 * lapsed lease is renewed by {@link MajorityLease#require()} when the others answer in time.
 */
class MajorityLeaseTest {

    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final long L = LEASE.toNanos();

    /** Real time plus an offset the test moves forward (waits inside the lease stay bounded). */
    private final AtomicLong offset = new AtomicLong();
    private final java.util.function.LongSupplier clock = () -> System.nanoTime() + offset.get();

    private static SlotTable tableOf(String... names) {
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            nodes.add(new NodeInfo(i, names[i], 1));
        }
        return SlotTable.initial(nodes);
    }

    /** A transport that answers lease probes from the members named in {@code answering}, or not at all. */
    private static class Probed implements Transport {
        final Set<Integer> answering = ConcurrentHashMap.newKeySet();
        final List<Integer> asked = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void bind(int memberId, Endpoint endpoint) {
        }

        @Override
        public Object call(int memberId, Request request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Object> send(int memberId, Request request) {
            assertThat(request).isInstanceOf(CoordinatorRequest.LeaseProbe.class);
            asked.add(memberId);
            return answering.contains(memberId) ? CompletableFuture.completedFuture(Boolean.TRUE)
                    : new CompletableFuture<>();
        }

        @Override
        public boolean carriesReferences() {
            return false;
        }

        @Override
        public void close() {
        }
    }

    private MajorityLease lease(SlotTable table, Transport transport, String self) {
        return new MajorityLease(self, LEASE, transport, () -> table, clock, false);
    }

    @Test
    void withoutConfirmations_theLeaseDoesNotHold_andRequireRefusesNamingWhoConfirmed() {
        MajorityLease lease = lease(tableOf("a", "b", "c"), new Probed(), "a");
        assertThat(lease.holds()).isFalse();
        assertThatThrownBy(lease::require).isInstanceOf(NoMajorityException.class)
                .hasMessageContaining("member 'a' refuses reads and writes: only [a] confirmed it")
                .hasMessageContaining("[a, b, c]");
    }

    @Test
    void oneConfirmationOfThree_holdsForALeaseFromTheProbesSending_thenLapses() {
        MajorityLease lease = lease(tableOf("a", "b", "c"), new Probed(), "a");
        long sent = clock.getAsLong();
        offset.addAndGet(L / 2); // the answer comes late: the lease still counts from the sending
        lease.confirmed("b", sent);
        assertThat(lease.holds()).isTrue();
        offset.addAndGet(L / 2 + TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(lease.holds()).as("a lease after the probe was sent, not after it was answered").isFalse();
    }

    @Test
    void theFreshestConfirmationsMakingAQuorum_decideTheEnd() {
        MajorityLease lease = lease(tableOf("a", "b", "c", "d", "e"), new Probed(), "a");
        long t0 = clock.getAsLong();
        lease.confirmed("b", t0);
        assertThat(lease.holds()).as("two of five").isFalse();
        lease.confirmed("c", t0 + L / 4);
        lease.confirmed("d", t0 + L / 2);
        // a, d (t0 + L/2) and c (t0 + L/4) are three of five: the lease ends at t0 + L/4 + L, not t0 + L
        offset.addAndGet(L + L / 8);
        assertThat(lease.holds()).as("held past b's confirmation by c's and d's").isTrue();
        offset.addAndGet(L / 4);
        assertThat(lease.holds()).as("past the older of the freshest quorum").isFalse();
        lease.confirmed("b", clock.getAsLong());
        assertThat(lease.holds()).as("b again, with d still fresh").isTrue();
    }

    @Test
    void aConfirmationOlderThanOneKnown_changesNothing() {
        MajorityLease lease = lease(tableOf("a", "b", "c"), new Probed(), "a");
        long now = clock.getAsLong();
        lease.confirmed("b", now);
        lease.confirmed("b", now - L); // a slow answer to an earlier probe
        offset.addAndGet(L / 2);
        assertThat(lease.holds()).isTrue();
    }

    @Test
    void aMemberThatIsAQuorumAlone_alwaysHolds() {
        MajorityLease alone = lease(tableOf("a"), new Probed(), "a");
        alone.probeRound();
        assertThat(alone.holds()).as("a grid of one").isTrue();
        MajorityLease lower = lease(tableOf("a", "b"), new Probed(), "a");
        lower.probeRound();
        offset.addAndGet(10 * L);
        assertThat(lower.holds()).as("the lower id of two").isTrue();
        MajorityLease higher = lease(tableOf("a", "b"), new Probed(), "b");
        higher.probeRound();
        assertThat(higher.holds()).as("the higher id of two, unconfirmed").isFalse();
    }

    @Test
    void aProbeRound_asksEveryOtherMember_andTheirAnswersRenewTheLease() {
        Probed transport = new Probed();
        transport.answering.add(2);
        MajorityLease lease = lease(tableOf("a", "b", "c"), transport, "a");
        lease.probeRound();
        assertThat(transport.asked).containsExactlyInAnyOrder(1, 2);
        assertThat(lease.holds()).isTrue();
        offset.addAndGet(L + 1);
        assertThat(lease.holds()).isFalse();
        lease.require(); // probes again, c answers at once
        assertThat(lease.holds()).isTrue();
    }

    @Test
    void require_waitsForALateAnswer_insteadOfRefusing() throws Exception {
        CompletableFuture<Object> late = new CompletableFuture<>();
        Transport transport = new Probed() {
            @Override
            public CompletableFuture<Object> send(int memberId, Request request) {
                return memberId == 1 ? late : new CompletableFuture<>();
            }
        };
        MajorityLease lease = lease(tableOf("a", "b", "c"), transport, "a");
        Thread answer = new Thread(() -> {
            java.util.concurrent.locks.LockSupport.parkNanos(L / 10); // the answer's own delay, not a wait for a condition
            late.complete(Boolean.TRUE);
        });
        answer.start();
        lease.require();
        assertThat(lease.holds()).isTrue();
        answer.join();
    }

    @Test
    void aRefusedProbe_doesNotCount() {
        Transport transport = new Probed() {
            @Override
            public CompletableFuture<Object> send(int memberId, Request request) {
                return CompletableFuture.completedFuture(Boolean.FALSE);
            }
        };
        MajorityLease lease = lease(tableOf("a", "b", "c"), transport, "a");
        lease.probeRound();
        assertThat(lease.holds()).isFalse();
    }

    @Test
    void theLeaseEndsBeforeTheOthersCanDeclareThisMemberDead() {
        for (Duration timeout : List.of(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(10))) {
            Duration lease = MajorityLease.forFailureTimeout(timeout);
            assertThat(lease).isPositive();
            assertThat(lease.plus(MajorityLease.HEARTBEAT)).as("lease plus a heartbeat, timeout %s", timeout)
                    .isLessThan(timeout);
        }
    }
}
