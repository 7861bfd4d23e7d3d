package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slotgrid.slot.SlotTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hot keys across clustered members (each with its own Hazelcast and Netty, over loopback
 * sockets): a near-cached key read through every member never serves a value older than the last
 * write acknowledged before the read began; a salted counter's parts sit on distinct members, and
 * adds through every member sum exactly.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusteredHotKeysTest {

    private static final int WRITES = 1_000;
    private static final int ADDS_PER_MEMBER = 500;

    @Test
    void nearCachedAndSaltedKeys_keepTheirPromises_acrossMembers() throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        try (ClusterMembers members = new ClusterMembers("hot-" + System.nanoTime())) {
            SlotGrid a = members.start("a");
            SlotGrid b = members.start("b");
            SlotGrid c = members.start("c");
            SlotTable table = ClusteredGridTest.awaitSettled(a, 3);

            b.<String, Long>map("nc").put("hot", 0L);
            a.nearCache("nc", "hot", true);
            NearCacheStaleness.Outcome outcome = NearCacheStaleness.run(a.nodes(), "nc", "hot", WRITES, seed,
                    Duration.ofSeconds(90));
            assertThat(outcome.stale()).as("stale reads (seed %d)", seed).isEmpty();
            assertThat(outcome.writes()).isEqualTo(WRITES);
            await().atMost(Duration.ofSeconds(30)).until(() -> c.hotKeyStats().nearCacheHits() > 0);

            c.declareMergeable("likes", "long-sum");
            a.salt("likes", "celebrity", 3);
            List<SlotGrid> all = List.of(a, b, c);
            for (SlotGrid member : all) {
                Set<Integer> partOwners = new HashSet<>();
                for (int part = 0; part < 3; part++) {
                    partOwners.add(table.ownerOf(saltPartSlot(member, "likes", "celebrity", part)));
                }
                assertThat(partOwners).as("the parts' owners, as %s knows them", member.name()).hasSize(3);
            }
            GridStats before = a.stats();
            ExecutorService pool = Executors.newFixedThreadPool(all.size());
            try {
                List<Future<?>> adders = new ArrayList<>();
                for (SlotGrid member : all) {
                    adders.add(pool.submit(() -> {
                        GridMap<String, Long> likes = member.map("likes");
                        for (int i = 0; i < ADDS_PER_MEMBER; i++) {
                            likes.add("celebrity", 1L);
                        }
                    }));
                }
                for (Future<?> adder : adders) {
                    adder.get(2, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
            }
            for (NodeStats node : a.stats().since(before).nodes()) {
                assertThat(node.operations(OpType.MERGE)).as("%s took its own member's adds", node.nodeName())
                        .isEqualTo(ADDS_PER_MEMBER);
            }
            for (SlotGrid member : all) {
                assertThat(member.<String, Long>map("likes").get("celebrity")).as("read through %s", member.name())
                        .isEqualTo((long) ADDS_PER_MEMBER * all.size());
            }
        }
    }

    /** The slot of a salted key's part, as the member of this process holds its shape. */
    private static int saltPartSlot(SlotGrid grid, String map, String key, int part) {
        Member local = grid.nodes().stream().filter(GridNode::isLocal).findFirst().orElseThrow().member();
        return local.hotKeys().state(local.catalog().find(map)).salts.get(key).partSlot(part);
    }
}
