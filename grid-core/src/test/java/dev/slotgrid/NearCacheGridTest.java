package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slotgrid.slot.KeySlot;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/** Read heat: near-cache copies on every node, invalidated on write, never served past their TTL. */
class NearCacheGridTest {

    /** The grid's binding: in-JVM here, overridden by the runs over other bindings (Bindings). */
    protected SlotGridBuilder builder() {
        return Bindings.inJvm();
    }

    private static final Duration TTL = Duration.ofMillis(50);

    private SlotGrid grid(Duration ttl) {
        return builder().nodes(3).jmx(false).hotKeyPolicy(HotKeyPolicy.defaults().withNearCacheTtl(ttl)
                .withMinOpsPerSecond(1e12)) // the policy acts on nothing by itself here
                .build();
    }

    @Test
    void aNearCachedKey_isServedWithoutItsOwner_andAWriteIsSeenAtOnceEverywhere() {
        try (SlotGrid grid = grid(Duration.ofMinutes(1))) {
            GridMap<String, String> map = grid.map("profiles");
            map.put("star", "v1");
            grid.nearCache("profiles", "star", true);
            int owner = grid.table().ownerOf(KeySlot.of("star"));
            GridNode reader = grid.nodes().stream().filter(n -> n.id() != owner).findFirst().orElseThrow();
            GridMap<String, String> remote = reader.map("profiles");
            assertThat(remote.get("star")).isEqualTo("v1"); // miss: loads from the owner
            long ownerGets = grid.stats().nodes().get(owner).operations(OpType.GET);
            for (int i = 0; i < 100; i++) {
                assertThat(remote.get("star")).isEqualTo("v1");
            }
            assertThat(grid.stats().nodes().get(owner).operations(OpType.GET)).as("hits never reach the owner")
                    .isEqualTo(ownerGets);
            assertThat(grid.hotKeyStats().nearCacheHits()).isGreaterThanOrEqualTo(100);

            grid.nodes().get(owner).<String, String>map("profiles").put("star", "v2");
            for (GridNode node : grid.nodes()) {
                assertThat(node.<String, String>map("profiles").get("star")).as("via %s", node.name()).isEqualTo("v2");
            }
            grid.nearCache("profiles", "star", false);
            assertThat(grid.hotKeyStats().actions()).extracting(HotKeyAction::type)
                    .containsSubsequence(HotKeyAction.Type.NEAR_CACHE_ON, HotKeyAction.Type.NEAR_CACHE_OFF);
        }
    }

    /**
     * A writer publishes versions 1, 2, 3... and notes when each was acknowledged; readers on every
     * node must never return a version that had been superseded for longer than the TTL.
     */
    @Test
    void noReader_seesAValueOlderThanTheTtl_whileWritesAndReadsRace() throws Exception {
        try (SlotGrid grid = grid(TTL)) {
            GridMap<String, Long> writerMap = grid.nodes().get(0).map("versions");
            writerMap.put("v", 0L);
            grid.nearCache("versions", "v", true);
            int versions = 20_000;
            AtomicLongArray acknowledgedAt = new AtomicLongArray(versions + 1);
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<String> stale = new ConcurrentLinkedQueue<>();
            Thread writer = new Thread(() -> {
                for (int i = 1; i <= versions && !stop.get(); i++) {
                    writerMap.put("v", (long) i);
                    acknowledgedAt.set(i, System.nanoTime());
                }
            });
            Thread[] readers = new Thread[3];
            for (int r = 0; r < readers.length; r++) {
                GridMap<String, Long> map = grid.nodes().get(r).map("versions");
                readers[r] = new Thread(() -> {
                    while (!stop.get()) {
                        long readAt = System.nanoTime();
                        long version = map.get("v");
                        long next = version + 1 <= versions ? acknowledgedAt.get((int) version + 1) : 0;
                        if (next != 0 && readAt - next > TTL.toNanos()) {
                            stale.add("read version " + version + " " + (readAt - next) / 1000 + " us after " + (version + 1));
                        }
                    }
                });
            }
            for (Thread reader : readers) {
                reader.start();
            }
            writer.start();
            writer.join(TimeUnit.MINUTES.toMillis(1));
            stop.set(true);
            for (Thread reader : readers) {
                reader.join(TimeUnit.SECONDS.toMillis(10));
            }
            assertThat(stale).isEmpty();
            assertThat(grid.hotKeyStats().nearCacheHits()).as("copies were served meanwhile").isPositive();
        }
    }
}
