package dev.slotgrid;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * Writer admission against a key moving out of its slot (the directory override's seal, copy,
 * publish, unseal), explored interleaving by interleaving with Lincheck's model checker.
 *
 * <p>The property: a write routed before the move (epoch 0) is either admitted while the key is
 * still in the slot, or refused; it is never admitted once the move has raised the slot's owner
 * epoch, which would apply it to a copy the move has already shipped. The model checker switches
 * threads between the admission word's read and its CAS, where a seal and unseal that restore the
 * same word once let a stale write through (ABA).
 */
class SlotStoreAdmissionTest {

    /** The slot a key leaves, with one write routed by the table from before the move. */
    public static class KeyLeavingASlot {

        private final SlotStore store = SlotStore.owned(0, 0, mapId -> new ConcurrentHashMap<>(), false);

        @Operation
        public String writeRoutedBeforeTheMove() {
            int admission = store.tryEnter(0);
            if (admission != SlotStore.ADMITTED) {
                return "refused";
            }
            try {
                return store.ownerEpoch() > 0 ? "admitted after the key left" : "admitted";
            } finally {
                store.exit(0, "k");
            }
        }

        @Operation
        public void moveTheKeyOut() {
            if (store.sealOwned()) {
                store.awaitNoWriters(TimeUnit.SECONDS.toNanos(10), "test");
                store.unseal(1);
            }
        }
    }

    /** The specification: before the move a write is admitted, after it refused. */
    public static class Sequential {

        private boolean moved;

        public String writeRoutedBeforeTheMove() {
            return moved ? "refused" : "admitted";
        }

        public void moveTheKeyOut() {
            moved = true;
        }
    }

    @Test
    void aWriteRoutedBeforeAKeyMove_isNeverAdmittedAfterIt() {
        new ModelCheckingOptions().iterations(20).invocationsPerIteration(1_000).threads(2).actorsPerThread(2)
                .sequentialSpecification(Sequential.class).check(KeyLeavingASlot.class);
    }
}
