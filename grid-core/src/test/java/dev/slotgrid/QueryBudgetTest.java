package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slotgrid.spi.IndexExtractor;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Per-node time budgets of scatter-gather: a node held back (by a latch, not a guess at timing)
 * beyond the budget yields a partial result that says so, or a failure, as the policy says.
 */
class QueryBudgetTest {

    private static final int ENTRIES = 3_000;
    /**
     * The per-node budget. The fast nodes must answer within it plus the engine's grace (a quarter
     * of the budget, at most 50 ms), pool-thread creation and scheduling included: generous, so that
     * a slow shared machine still gets every fast node's answer in time.
     */
    private static final Duration BUDGET = Duration.ofSeconds(3);
    /** How long the held node stays held unless released: far beyond the budget plus grace. */
    private static final Duration HOLD = Duration.ofSeconds(30);
    /**
     * A bound on the query's time that proves the caller did not wait for the held node: above the
     * budget plus grace (when the caller gives up on it), far below the hold.
     */
    private static final Duration DID_NOT_WAIT = Duration.ofSeconds(10);

    private SlotGrid grid;
    private final FaultInjector faults = new FaultInjector();

    /** The binding the grid runs on; {@link QueryBudgetOverNetworkTest} puts every member behind a socket. */
    protected SlotGridBuilder builder() {
        return Bindings.inJvm();
    }

    @BeforeEach
    void start() {
        grid = builder().nodes(3).jmx(false).faults(faults).build();
        grid.registerExtractor(IndexExtractor.of("parity", v -> ((Integer) v) % 2 == 0 ? "even" : "odd"));
        grid.addIndex("numbers", IndexDefinition.local("by-parity", "parity"));
        GridMap<String, Integer> numbers = grid.map("numbers");
        for (int i = 0; i < ENTRIES; i++) {
            numbers.put("n" + i, i);
        }
    }

    @AfterEach
    void stop() {
        faults.clear();
        grid.close();
    }

    /**
     * Holds every query fragment sent to node-1 for {@link #HOLD} (until the gatherer gives up on it
     * and interrupts it, or the test clears the faults).
     */
    private void slowDownNode1() {
        faults.delay("node-1", FaultInjector.Kind.QUERY, HOLD);
    }

    @Test
    void aNodeSlowerThanTheBudget_givesAPartialResult_thatSaysHowManySlotsAnswered() throws Exception {
        slowDownNode1();
        GridNode slow = grid.node("node-1");
        int slowSlots = grid.table().slotCount(slow.id());
        long start = System.nanoTime();
        QueryResult<String, Integer> result = grid.<String, Integer>query("numbers").eq("by-parity", "even")
                .nodeBudget(BUDGET).onPartial(PartialResultPolicy.RETURN_PARTIAL).execute();
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(result.isComplete()).isFalse();
        assertThat(result.slotsQueried()).isEqualTo(16384);
        assertThat(result.slotsAnswered()).isEqualTo(16384 - slowSlots);
        assertThat(result.nodesTimedOut()).containsExactly("node-1");
        assertThat(tookMillis).as("did not wait for the held node (held for up to %d s)", HOLD.toSeconds())
                .isLessThan(DID_NOT_WAIT.toMillis());
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < ENTRIES; i += 2) {
            if (grid.table().ownerOf(grid.partitioner().slotOf("n" + i)) != slow.id()) {
                expected.add("n" + i);
            }
        }
        assertThat(Set.copyOf(result.keys())).as("exactly the even numbers the other nodes hold").isEqualTo(expected);

        QueryResult<String, Integer> count = grid.<String, Integer>query("numbers").nodeBudget(BUDGET)
                .onPartial(PartialResultPolicy.RETURN_PARTIAL).count();
        assertThat(count.isComplete()).isFalse();
        assertThat(count.count()).isEqualTo(ENTRIES - ownedBy(slow));

        faults.clear();
        QueryResult<String, Integer> afterwards = grid.<String, Integer>query("numbers").eq("by-parity", "even")
                .nodeBudget(BUDGET).execute();
        assertThat(afterwards.isComplete()).isTrue();
        assertThat(afterwards.entries()).hasSize(ENTRIES / 2);
    }

    @Test
    void aNodeSlowerThanTheBudget_failsTheQuery_underTheFailPolicy() {
        slowDownNode1();
        int answered = 16384 - grid.table().slotCount(grid.node("node-1").id());
        assertThatThrownBy(() -> grid.<String, Integer>query("numbers").eq("by-parity", "odd").nodeBudget(BUDGET)
                .onPartial(PartialResultPolicy.FAIL).execute())
                .isInstanceOfSatisfying(PartialResultException.class, e -> {
                    assertThat(e.slotsAnswered()).isEqualTo(answered);
                    assertThat(e.slotsQueried()).isEqualTo(16384);
                    assertThat(e.nodesTimedOut()).containsExactly("node-1");
                })
                .hasMessageContaining("only " + answered + " of 16384 slots answered").hasMessageContaining("node-1");
    }

    @Test
    void queriesThatDoNotScatter_ignoreASlowNode() {
        slowDownNode1();
        String keyElsewhere = null;
        for (int i = 0; keyElsewhere == null; i++) {
            if (grid.table().ownerOf(grid.partitioner().slotOf("n" + i)) != grid.node("node-1").id()) {
                keyElsewhere = "n" + i;
            }
        }
        // a single-slot query asks the slot's owner only (a slot of the slow member waits for it: it holds the only copy)
        long start = System.nanoTime();
        QueryResult<String, Integer> one = grid.<String, Integer>query("numbers").partitionKey(keyElsewhere)
                .nodeBudget(BUDGET).execute();
        assertThat(one.isComplete()).isTrue();
        assertThat(one.keys()).contains(keyElsewhere);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("did not wait for the held node")
                .isLessThan(DID_NOT_WAIT.toMillis());
        // and a limit met by the fast nodes does not need the slow one
        QueryResult<String, Integer> limited = grid.<String, Integer>query("numbers").limit(10).nodeBudget(BUDGET)
                .execute();
        assertThat(limited.entries()).hasSize(10);
        assertThat(limited.isComplete()).isTrue();
        assertThat(List.copyOf(limited.nodesTimedOut())).containsExactly("node-1");
    }

    private long ownedBy(GridNode node) {
        long n = 0;
        for (int i = 0; i < ENTRIES; i++) {
            if (grid.table().ownerOf(grid.partitioner().slotOf("n" + i)) == node.id()) {
                n++;
            }
        }
        return n;
    }
}
