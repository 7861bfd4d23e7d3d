package dev.slotgrid;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The model tests' background load of live migrations: random slots of a list moved to random
 * active nodes, four requests at a time, each awaited (at most 30 s), until told to stop.
 */
final class RandomMigrations {

    private static final int IN_FLIGHT = 4;

    private RandomMigrations() {
    }

    /**
     * Runs on the calling thread while {@code keepGoing} holds. A target that left between the
     * snapshot of the nodes and the request, or whose migration failed because it is leaving, is
     * skipped; any other failure is thrown.
     *
     * @param done incremented for each completed migration
     */
    static void run(SlotGrid grid, List<Integer> slots, Random random, BooleanSupplier keepGoing, AtomicInteger done)
            throws Exception {
        List<CompletableFuture<Void>> inFlight = new ArrayList<>();
        while (keepGoing.getAsBoolean()) {
            int slot = slots.get(random.nextInt(slots.size()));
            List<GridNode> nodes = grid.nodes();
            String target = nodes.get(random.nextInt(nodes.size())).name();
            try {
                inFlight.add(grid.migrate(slot, target));
            } catch (IllegalArgumentException e) {
                if (grid.nodes().stream().anyMatch(n -> n.name().equals(target))) {
                    throw e;
                }
            }
            if (inFlight.size() >= IN_FLIGHT) {
                awaitAll(inFlight, done);
            }
        }
        awaitAll(inFlight, done);
    }

    private static void awaitAll(List<CompletableFuture<Void>> inFlight, AtomicInteger done) throws Exception {
        for (CompletableFuture<Void> f : inFlight) {
            try {
                f.get(30, TimeUnit.SECONDS);
                done.incrementAndGet();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof IllegalStateException) || !e.getCause().getMessage().contains("is leaving")) {
                    throw e;
                }
            }
        }
        inFlight.clear();
    }
}
