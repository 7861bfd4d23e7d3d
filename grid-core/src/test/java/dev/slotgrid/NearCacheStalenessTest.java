package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The staleness bound of a near-cached key over the network binding (every member behind a
 * loopback socket), and the checker ({@link NearCacheStaleness}) catching a grid that breaks it: a
 * member that no invalidation reaches serves stale copies, for at most the near cache's TTL.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NearCacheStalenessTest {

    /** The near cache's TTL when no hot-key policy sets one. */
    private static final Duration TTL = HotKeyPolicy.defaults().nearCacheTtl();
    private static final int WRITES = 2_000;
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void aReadAfterAWritesAcknowledgement_seesIt_onEveryMember() throws Exception {
        try (SlotGrid grid = Bindings.network().nodes(3).jmx(false).build()) {
            grid.<String, Long>map("nc").put("hot", 0L);
            grid.nearCache("nc", "hot", true);
            NearCacheStaleness.Outcome outcome = NearCacheStaleness.run(grid.nodes(), "nc", "hot", WRITES,
                    Long.getLong("seed", System.nanoTime()), LIMIT);
            assertThat(outcome.stale()).as("stale reads").isEmpty();
            assertThat(outcome.writes()).isEqualTo(WRITES);
            assertThat(java.util.Arrays.stream(outcome.readsPerMember()).min().orElse(0)).as("reads of the least busy reader").isPositive();
            assertThat(grid.hotKeyStats().nearCacheHits()).as("the copies were served").isPositive();
        }
    }

    @Test
    void aMemberNoInvalidationReaches_servesStaleCopies_butNoneOlderThanTheTtl() throws Exception {
        FaultInjector faults = new FaultInjector();
        try (SlotGrid grid = Bindings.network().nodes(3).jmx(false).faults(faults).build()) {
            grid.<String, Long>map("nc").put("hot", 0L);
            grid.nearCache("nc", "hot", true);
            faults.drop("node-1", FaultInjector.Kind.HOT_KEY); // from now on node-1 hears of no write
            NearCacheStaleness.Outcome outcome = NearCacheStaleness.run(grid.nodes(), "nc", "hot", WRITES,
                    Long.getLong("seed", System.nanoTime()), LIMIT);
            faults.clear();
            assertThat(outcome.stale()).as("the checker sees node-1 serve superseded copies").isNotEmpty()
                    .allSatisfy(read -> assertThat(read.member()).isEqualTo("node-1"));
            assertThat(outcome.maxAgeNanos()).as("the oldest stale read's age, ns").isLessThan(TTL.toNanos());
        }
    }
}
