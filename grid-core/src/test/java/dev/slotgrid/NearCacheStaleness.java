package dev.slotgrid;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The staleness checker of a near-cached key: one writer writes 1, 2, 3, ... through randomly
 * chosen members and records when each write was acknowledged; a reader per member reads the key
 * in a loop and remembers, before each read, the newest value acknowledged so far. A read that
 * returns less than that is stale; its age is how long before the read began the value after the
 * one it returned had been acknowledged.
 *
 * <p>The promise it checks: a read that starts after a write's acknowledgement sees it, on every
 * member the write's invalidation reached; elsewhere a copy is served at most the near cache's TTL.
 * Bounded: {@code writes} writes and a time limit.
 */
final class NearCacheStaleness {

    /** One stale read: through which member, the value it returned, the floor it broke, and its age. */
    record StaleRead(String member, long value, long floor, long ageNanos) {
    }

    /** What a run saw. */
    record Outcome(List<StaleRead> stale, long[] readsPerMember, long writes) {
        long maxAgeNanos() {
            return stale.stream().mapToLong(StaleRead::ageNanos).max().orElse(0);
        }
    }

    private NearCacheStaleness() {
    }

    /**
     * Runs the writer and one reader per member on key {@code key} of map {@code mapName}, which
     * must hold 0 (or nothing) when it starts.
     */
    static Outcome run(List<GridNode> members, String mapName, String key, int writes, long seed, Duration limit)
            throws Exception {
        System.out.println("NearCacheStaleness seed " + seed + " (rerun with -Dseed=" + seed + ")");
        long deadline = System.nanoTime() + limit.toNanos();
        // ackedAt[v]: when write v was acknowledged; acked: the newest acknowledged value
        AtomicLongArray ackedAt = new AtomicLongArray(writes + 1);
        java.util.concurrent.atomic.AtomicLong acked = new java.util.concurrent.atomic.AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        ConcurrentLinkedQueue<StaleRead> stale = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(members.size() + 1);
        try {
            List<Future<Long>> readers = new ArrayList<>();
            for (GridNode member : members) {
                readers.add(pool.submit(() -> {
                    GridMap<String, Long> map = member.map(mapName);
                    long reads = 0;
                    while (!done.get() && System.nanoTime() - deadline < 0) {
                        long floor = acked.get();
                        long start = System.nanoTime();
                        Long read = map.get(key);
                        long value = read == null ? 0 : read;
                        if (value < floor) {
                            stale.add(new StaleRead(member.name(), value, floor, start - ackedAt.get((int) value + 1)));
                        }
                        reads++;
                    }
                    return reads;
                }));
            }
            Future<Long> writer = pool.submit(() -> {
                Random random = new Random(seed);
                long v = 0;
                while (v < writes && System.nanoTime() - deadline < 0) {
                    v++;
                    members.get(random.nextInt(members.size())).<String, Long>map(mapName).put(key, v);
                    ackedAt.set((int) v, System.nanoTime());
                    acked.set(v);
                }
                return v;
            });
            long written = writer.get(limit.toNanos() + TimeUnit.SECONDS.toNanos(30), TimeUnit.NANOSECONDS);
            done.set(true);
            long[] reads = new long[members.size()];
            for (int i = 0; i < reads.length; i++) {
                reads[i] = readers.get(i).get(30, TimeUnit.SECONDS);
            }
            return new Outcome(List.copyOf(stale), reads, written);
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
    }
}
