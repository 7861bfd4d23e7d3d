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
 * active nodes, four requests at a time, each awaited (at most {@value #AWAIT_SECONDS} s), until told to stop.
 */
final class RandomMigrations {

    private static final int IN_FLIGHT = 4;
    /**
     * How long one migration may take. A migration queued behind a membership change waits for all of its
     * handovers: under a second in-JVM, but tens of seconds over the serializing binding (each handover
     * publishes the table, 16,384 owners, to every member).
     */
    private static final int AWAIT_SECONDS = 120;

    private RandomMigrations() {
    }

    /** A migration requested, and the node it goes to. */
    private record Requested(String target, CompletableFuture<Void> done) {
    }

    /**
     * Runs on the calling thread while {@code keepGoing} holds. A target that left between the
     * snapshot of the nodes and the request is skipped, and so is a migration that failed with an
     * {@link IllegalStateException} because its target was leaving, or had left by the time the
     * migration ran (queued behind others, e.g. a membership change's); any other failure is thrown.
     *
     * @param done incremented for each completed migration
     */
    static void run(SlotGrid grid, List<Integer> slots, Random random, BooleanSupplier keepGoing, AtomicInteger done)
            throws Exception {
        List<Requested> inFlight = new ArrayList<>();
        while (keepGoing.getAsBoolean()) {
            int slot = slots.get(random.nextInt(slots.size()));
            List<GridNode> nodes = grid.nodes();
            String target = nodes.get(random.nextInt(nodes.size())).name();
            try {
                inFlight.add(new Requested(target, grid.migrate(slot, target)));
            } catch (IllegalArgumentException e) {
                if (isActive(grid, target)) {
                    throw e;
                }
            }
            if (inFlight.size() >= IN_FLIGHT) {
                awaitAll(grid, inFlight, done);
            }
        }
        awaitAll(grid, inFlight, done);
    }

    private static boolean isActive(SlotGrid grid, String name) {
        return grid.nodes().stream().anyMatch(n -> n.name().equals(name));
    }

    private static void awaitAll(SlotGrid grid, List<Requested> inFlight, AtomicInteger done) throws Exception {
        for (Requested requested : inFlight) {
            try {
                requested.done().get(AWAIT_SECONDS, TimeUnit.SECONDS);
                done.incrementAndGet();
            } catch (ExecutionException e) {
                boolean targetGone = e.getCause() instanceof IllegalStateException
                        && (e.getCause().getMessage().contains("is leaving") || !isActive(grid, requested.target()));
                if (!targetGone) {
                    throw e;
                }
            }
        }
        inFlight.clear();
    }
}
