package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slotgrid.slot.SlotTable;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A member that adopts tables late must not lose a copy made while it lagged. An interleaving found
 * while looking into a CI failure of {@link MultiProcessClusterTest} (whose cause was another race,
 * see {@code MemberReplicas.apply}), replayed step by step: member B holds a listed
 * copy of a slot; the coordinator moves that copy to C (table T1) and, before B has adopted T1,
 * has the owner make a new copy on B again (planned from T1) and lists it (T2). B then adopts T1,
 * which does not list it, and T2, which does. B's copy must be the new one, whole, so the owner's
 * next write is confirmed and a promotion of B finds it.
 */
class LateTableAdoptionTest {

    private static final Duration LAG = Duration.ofSeconds(2);
    private static final Duration MAX_WAIT = Duration.ofSeconds(60);

    @Test
    void aCopyMadeWhileItsMemberStillAdoptsAnOlderTable_survivesTheOlderTable() throws Exception {
        FaultInjector faults = new FaultInjector();
        try (SlotGrid grid = Bindings.inJvm().nodes(3).jmx(false).backups(1).faults(faults).build()) {
            int owner = grid.node("node-0").id();
            int lagging = grid.node("node-1").id();
            int other = grid.node("node-2").id();
            int slot = SlotKeys.slotOwnedAndBackedUp(grid, "node-0", "node-1");
            String key = "{" + SlotKeys.tagForSlot(slot) + "}:k";
            GridMap<String, String> map = grid.node("node-2").map("kv");
            map.put(key, "before");
            ControlPlane control = grid.clusterParts().control();
            Router router = grid.clusterParts().controlRouter();
            int s = slot;

            assertThat(router.ask(owner, new ReplicaRequest.Copy(s, other, control.latest().epoch()))).isEqualTo(1L);
            faults.delay("node-1", FaultInjector.Kind.TABLE, LAG);
            CompletableFuture<SlotTable> moved = CompletableFuture.supplyAsync(
                    () -> control.update(t -> t.withBackup(s, other, lagging))); // T1, held on its way to node-1
            Awaitility.await().atMost(MAX_WAIT).until(() -> grid.node("node-0").table().replicas().isBackup(s, other));
            SlotTable t1 = grid.node("node-0").table();
            assertThat(grid.node("node-1").table().epoch()).as("node-1 still adopts an older table").isLessThan(t1.epoch());

            assertThat(router.ask(owner, new ReplicaRequest.Copy(s, lagging, t1.epoch()))).as("entries copied back")
                    .isEqualTo(1L);
            SlotTable t2 = control.update(t -> t.withBackup(s, lagging, other)); // waits for T1 to reach node-1
            moved.get(MAX_WAIT.toSeconds(), TimeUnit.SECONDS);
            faults.clear();
            Awaitility.await().atMost(MAX_WAIT).until(() -> grid.node("node-1").table().epoch() >= t2.epoch());

            map.put(key, "after"); // confirmed by node-1's copy, or IndeterminateOperationException
            for (FaultInjector.Kind kind : FaultInjector.Kind.values()) {
                faults.drop("node-0", kind);
            }
            grid.declareDead("node-0");
            assertThat(grid.table().ownerOf(s)).as("promoted").isEqualTo(lagging);
            assertThat(grid.table().isLost(s)).as("lost").isFalse();
            assertThat(map.get(key)).as("the value on the promoted copy").isEqualTo("after");
        }
    }
}
