package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slotgrid.History.Op;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A read never returns a write its slot's backups do not hold: the owner applies a write before
 * its backups confirm it, and a read there meanwhile must wait for them, or a promotion could
 * take the value back after a client saw it. Replayed step by step: the replication of one write
 * to the backup is held up; a read of the key starts on the owner; the owner is cut off and
 * declared dead, its backup promoted without the write; then the held batch arrives, too late.
 * The history (the write indeterminate, the read, a read after the promotion) must be
 * linearizable: the first read must not have returned the lost value.
 */
class ReadsBeforeFailoverTest {

    private static final Duration HELD = Duration.ofSeconds(2);
    private static final Duration MAX_WAIT = Duration.ofSeconds(60);

    @Test
    void aReadOfAWriteItsBackupDoesNotHoldYet_waits_andNeverReturnsAValueThePromotionLoses() throws Exception {
        readDuringAHeldWrite_thenFailover(Bindings.inJvm());
    }

    /** The same over sockets: the read reaches the owner's event loop, which hands it to a handler to wait. */
    @Test
    void overTheNetwork_aReadThatMustWait_leavesTheEventLoop_andNeverReturnsAValueThePromotionLoses() throws Exception {
        readDuringAHeldWrite_thenFailover(Bindings.network());
    }

    private static void readDuringAHeldWrite_thenFailover(SlotGridBuilder builder) throws Exception {
        FaultInjector faults = new FaultInjector();
        try (SlotGrid grid = builder.nodes(3).jmx(false).backups(1).faults(faults).build()) {
            int slot = SlotKeys.slotOwnedAndBackedUp(grid, "node-0", "node-1");
            String key = "{" + SlotKeys.tagForSlot(slot) + "}:k";
            GridMap<String, String> viaNode2 = grid.node("node-2").map("kv");
            History history = new History();
            long h = history.invoke(0, key, Op.write("before"));
            viaNode2.put(key, "before");
            history.ok(h, null);

            faults.delay("node-1", FaultInjector.Kind.REPLICA, HELD);
            long write = history.invoke(1, key, Op.write("lost"));
            CompletableFuture<Object> writer = CompletableFuture.supplyAsync(() -> viaNode2.put(key, "lost"));
            SlotStore onOwner = SlotKeys.store(grid.node("node-0"), slot);
            int mapId = grid.clusterParts().mapId("kv");
            Awaitility.await("the write applied on the owner").atMost(MAX_WAIT)
                    .until(() -> "lost".equals(onOwner.readMap(mapId).get(key)));

            long waitedBefore = grid.node("node-0").stats().readsAwaitingBackups();
            long read = history.invoke(2, key, Op.read());
            CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> viaNode2.get(key));
            Awaitility.await("the read answered, or waiting for the backup").atMost(MAX_WAIT)
                    .until(() -> reader.isDone() || grid.node("node-0").stats().readsAwaitingBackups() > waitedBefore);
            boolean waited = grid.node("node-0").stats().readsAwaitingBackups() > waitedBefore;
            for (FaultInjector.Kind kind : FaultInjector.Kind.values()) {
                faults.drop("node-0", kind);
            }
            grid.declareDead("node-0"); // node-1 promoted without the held write

            record(history, read, reader);
            record(history, write, writer);
            faults.clear();
            long after = history.invoke(3, key, Op.read());
            history.ok(after, viaNode2.get(key));

            LinearizabilityChecker.Result result = new LinearizabilityChecker().check(history);
            assertThat(result.linearizable()).as("%s", result).isTrue();
            assertThat(viaNode2.get(key)).as("the promoted copy").isEqualTo("before");
            assertThat(waited).as("the read on the owner waited for its backup").isTrue();
        }
    }

    private static void record(History history, long handle, CompletableFuture<?> call) throws Exception {
        try {
            history.ok(handle, call.get(MAX_WAIT.toSeconds(), TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
            history.indeterminate(handle); // the write: not confirmed; the read: refused, it constrains nothing
        }
    }
}
