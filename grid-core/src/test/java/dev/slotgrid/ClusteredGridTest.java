package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.SlotTable;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Clustered members over real loopback sockets, several in this JVM, each with its own Hazelcast
 * membership and Netty data plane: the grid they form, joins and graceful leaves under load, a
 * member that dies, a member with the wrong secret, and garbage thrown at a data port.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusteredGridTest {

    private static final Duration SETTLE = Duration.ofSeconds(120);

    /** Waits until the coordinator's table names {@code members} members, each owning slots, none moving. */
    static SlotTable awaitSettled(SlotGrid any, int members) {
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(200)).until(() -> {
            SlotTable table = any.table();
            if (table.nodes().size() != members || !table.migrations().isEmpty()) {
                return false;
            }
            int fair = SlotTable.SLOTS / members;
            for (NodeInfo info : table.nodes()) {
                if (Math.abs(table.slotCount(info.id()) - fair) > 1) {
                    return false; // the planned moves are not all done yet
                }
            }
            return true;
        });
        return any.table();
    }

    @Test
    void threeMembers_formOneGrid_andServeEveryOperation_fromEveryMember() throws Exception {
        try (ClusterMembers members = new ClusterMembers("ops-" + System.nanoTime())) {
            SlotGrid a = members.start("a");
            SlotGrid b = members.start("b", builder -> builder.jmx(true));
            SlotGrid c = members.start("c");
            SlotTable settled = awaitSettled(a, 3);
            assertThat(b.table().epoch()).isGreaterThanOrEqualTo(settled.epoch());
            List<SlotGrid> all = List.of(a, b, c);
            for (SlotGrid member : all) {
                assertThat(member.nodes()).extracting(GridNode::name).containsExactly("a", "b", "c");
            }

            List<GridMap<String, Integer>> maps = new ArrayList<>();
            for (SlotGrid member : all) {
                maps.add(member.map("ops"));
            }
            int n = 600;
            for (int i = 0; i < n; i++) {
                assertThat(maps.get(i % 3).put("k" + i, i)).isNull();
            }
            for (GridMap<String, Integer> map : maps) {
                for (int i = 0; i < n; i += 7) {
                    assertThat(map.get("k" + i)).as("k%d", i).isEqualTo(i);
                }
                assertThat(map.size()).isEqualTo(n);
            }
            GridMap<String, Integer> viaB = maps.get(1);
            GridMap<String, Integer> viaC = maps.get(2);
            assertThat(viaB.putIfAbsent("k1", -1)).isEqualTo(1);
            assertThat(viaB.putIfAbsent("fresh", 5)).isNull();
            assertThat(viaC.replace("fresh", 5, 6)).isTrue();
            assertThat(viaC.replace("fresh", 5, 7)).isFalse();
            assertThat(viaB.compute("fresh", (k, v) -> v == null ? 0 : v * 10)).isEqualTo(60);
            assertThat(viaC.merge("fresh", 1, Integer::sum)).isEqualTo(61);
            assertThat(viaB.computeIfAbsent("other", k -> 3)).isEqualTo(3);
            assertThat(viaC.computeIfPresent("other", (k, v) -> null)).isNull();
            assertThat(viaB.containsKey("other")).isFalse();
            assertThat(viaC.remove("k2", 99)).isFalse();
            assertThat(viaC.remove("k2")).isEqualTo(2);
            assertThat(maps.get(0).get("k2")).isNull();

            Map<String, Integer> batch = new HashMap<>();
            for (int i = 0; i < 200; i++) {
                batch.put("batch" + i, i);
            }
            viaB.putAll(batch);
            assertThat(viaC.getAll(batch.keySet())).isEqualTo(batch);
            assertThat(maps.get(0).getAllAsync(batch.keySet()).get(30, TimeUnit.SECONDS)).isEqualTo(batch);
            assertThat(viaC.putAsync("async", 1).get(30, TimeUnit.SECONDS)).isNull();
            assertThat(viaB.getAsync("async").get(30, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(viaB.mergeAsync("async", 4, Integer::sum).get(30, TimeUnit.SECONDS)).isEqualTo(5);

            assertThatThrownBy(() -> a.addNode("d", 1)).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("its own process");

            // the grid-wide view from a member that does not coordinate: every member's counters, and JMX
            int entries = viaB.size();
            GridStats view = b.stats();
            assertThat(view.nodes()).extracting(NodeStats::nodeName).containsExactly("a", "b", "c");
            assertThat(view.entries()).isEqualTo(entries);
            assertThat(view.nodes()).allSatisfy(node -> assertThat(node.operationsTotal()).isPositive());
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName gridBean = Jmx.gridName(b.name());
            ObjectName nodeBean = Jmx.nodeName(b.name(), "b");
            assertThat(server.getAttribute(gridBean, "NodeCount")).isEqualTo(3);
            assertThat(server.getAttribute(gridBean, "Entries")).isEqualTo((long) entries);
            assertThat((double) server.getAttribute(gridBean, "Skew")).isGreaterThanOrEqualTo(1.0);
            int bId = b.node("b").id();
            assertThat(server.getAttribute(nodeBean, "SlotsOwned")).isEqualTo(b.table().slotCount(bId));
            assertThat(server.getAttribute(nodeBean, "Entries")).isEqualTo(b.node("b").stats().entries());
            assertThat(server.queryNames(Jmx.nodeName(a.name(), "a"), null)).as("a runs without JMX").isEmpty();
            b.closeAbruptly();
            assertThat(server.isRegistered(gridBean)).as("unregistered on close").isFalse();
            assertThat(server.isRegistered(nodeBean)).isFalse();
        }
    }

    @Test
    void writesThroughEveryMember_surviveAFourthJoiningAndOneLeaving_everyAcknowledgedWriteReadBack() throws Exception {
        long seed = System.nanoTime();
        System.out.println("ClusteredGridTest model seed = " + seed);
        try (ClusterMembers members = new ClusterMembers("model-" + seed)) {
            SlotGrid a = members.start("a");
            SlotGrid b = members.start("b");
            SlotGrid c = members.start("c");
            awaitSettled(a, 3);
            List<GridMap<Integer, Integer>> entries = List.of(a.map("model"), b.map("model"));
            Map<Integer, Integer> acknowledged = new ConcurrentHashMap<>();
            Map<Integer, Boolean> deleted = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            int writers = 4;
            int keysPerWriter = 400;
            long[] increments = new long[writers];
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            List<Future<?>> running = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            for (int w = 0; w < writers; w++) {
                int writer = w;
                Random random = new Random(seed + w);
                running.add(pool.submit(() -> {
                    GridMap<String, Long> counters = (writer % 2 == 0 ? a : b).map("counters");
                    for (int op = 0; op < 200_000 && !stop.get() && System.nanoTime() < deadline; op++) {
                        int key = writer * keysPerWriter + random.nextInt(keysPerWriter);
                        GridMap<Integer, Integer> map = entries.get(random.nextInt(entries.size()));
                        if (random.nextInt(10) == 0) {
                            map.remove(key);
                            acknowledged.remove(key);
                            deleted.put(key, true);
                        } else {
                            map.put(key, op);
                            acknowledged.put(key, op);
                            deleted.remove(key);
                        }
                        counters.merge("w" + writer, 1L, Long::sum);
                        increments[writer]++;
                    }
                    return null;
                }));
            }
            try {
                SlotGrid d = members.start("d");
                awaitSettled(a, 4);
                c.close(); // graceful: its slots move to the others first
                awaitSettled(a, 3);
                assertThat(a.table().nodes()).extracting(NodeInfo::name).containsExactly("a", "b", "d");
                assertThat(a.table().lostSlots()).isEmpty();
            } finally {
                stop.set(true);
                for (Future<?> writer : running) {
                    writer.get(60, TimeUnit.SECONDS);
                }
                pool.shutdownNow();
            }
            SlotGrid d = members.start("e"); // a member that joins after: reads must still find everything
            awaitSettled(a, 4);
            for (SlotGrid reader : List.of(a, b, d)) {
                GridMap<Integer, Integer> map = reader.map("model");
                for (int key = 0; key < writers * keysPerWriter; key++) {
                    assertThat(map.get(key)).as("key %d through %s (seed %d)", key, reader.name(), seed)
                            .isEqualTo(acknowledged.get(key));
                }
                GridMap<String, Long> counters = reader.map("counters");
                for (int w = 0; w < writers; w++) {
                    assertThat(counters.get("w" + w)).as("counter of writer %d (seed %d)", w, seed)
                            .isEqualTo(increments[w] == 0 ? null : increments[w]);
                }
            }
            assertThat(deleted.keySet()).allSatisfy(key -> assertThat(a.<Integer, Integer>map("model").get(key))
                    .isEqualTo(acknowledged.get(key)));
        }
    }

    @Test
    void aMemberThatDies_takesItsSlots_whichAreRefused_untilTheLossIsAcknowledged() throws Exception {
        try (ClusterMembers members = new ClusterMembers("death-" + System.nanoTime())) {
            // without backups: what a death costs then (with them, MultiProcessClusterTest and FailoverModel*Test)
            SlotGrid a = members.start("a", m -> m.backups(0));
            SlotGrid b = members.start("b", m -> m.backups(0));
            SlotGrid c = members.start("c", m -> m.backups(0));
            SlotTable before = awaitSettled(a, 3);
            GridMap<String, Integer> map = b.map("lost");
            for (int i = 0; i < 500; i++) {
                map.put("k" + i, i);
            }
            a.addIndex("people", IndexDefinition.local("by-city", "test-city"));
            GridMap<String, String> people = b.map("people");
            for (int i = 0; i < 300; i++) {
                people.put("p" + i, "c" + (i % 3) + "|" + i);
            }
            assertThat(b.<String, String>query("people").eq("by-city", "c0").execute().keys()).hasSize(100);
            int dead = before.nodes().stream().filter(n -> n.name().equals("c")).findFirst().orElseThrow().id();
            c.crash();
            await().atMost(SETTLE).until(() -> a.table().node(dead) == null);
            SlotTable after = a.table();
            assertThat(after.lostSlots()).isNotEmpty().containsExactlyInAnyOrder(before.slotsOf(dead));
            assertThat(a.stats().lostSlots()).as("the stat names the lost slots").isEqualTo(after.lostSlots());

            // a LOCAL index query over a grid that lost slots: partial, naming them, never as if they were empty
            List<Integer> lostList = Arrays.stream(after.lostSlots()).boxed().sorted().toList();
            QueryResult<String, String> partial = b.<String, String>query("people").eq("by-city", "c0")
                    .onPartial(PartialResultPolicy.RETURN_PARTIAL).execute();
            assertThat(partial.isComplete()).isFalse();
            assertThat(partial.slotsLost()).isEqualTo(lostList);
            assertThat(partial.slotsAnswered()).isEqualTo(16384 - lostList.size());
            List<String> survivors = new ArrayList<>();
            for (int i = 0; i < 300; i += 3) {
                if (!after.isLost(a.slotOf("p" + i))) {
                    survivors.add("p" + i);
                }
            }
            assertThat(partial.keys()).containsExactlyInAnyOrderElementsOf(survivors);
            assertThatThrownBy(() -> a.<String, String>query("people").eq("by-city", "c1").execute())
                    .isInstanceOfSatisfying(PartialResultException.class,
                            e -> assertThat(e.slotsLost()).isEqualTo(lostList))
                    .hasMessageContaining(lostList.size() + " slots lost with their owner");
            String lostKey = null;
            for (int i = 0; lostKey == null; i++) {
                lostKey = after.isLost(a.slotOf("p" + i)) ? "p" + i : null;
            }
            String inLostSlot = lostKey;
            assertThatThrownBy(() -> b.<String, String>query("people").partitionKey(inLostSlot).execute())
                    .isInstanceOf(SlotLostException.class).hasMessageContaining(Integer.toString(a.slotOf(inLostSlot)));
            int lostKeys = 0;
            for (int i = 0; i < 500; i++) {
                String key = "k" + i;
                int slot = a.slotOf(key);
                if (after.isLost(slot)) {
                    lostKeys++;
                    assertThatThrownBy(() -> b.<String, Integer>map("lost").get(key)).isInstanceOf(SlotLostException.class)
                            .hasMessageContaining(Integer.toString(slot));
                } else {
                    assertThat(b.<String, Integer>map("lost").get(key)).isEqualTo(i);
                }
            }
            assertThat(lostKeys).isPositive();
            a.acknowledgeLostSlots();
            await().atMost(SETTLE).until(() -> b.table().lostSlots().length == 0);
            for (int i = 0; i < 500; i++) {
                Integer read = b.<String, Integer>map("lost").get("k" + i);
                assertThat(read).isIn(null, i);
            }

            // Hazelcast's pitfalls: an event that comes again or late changes nothing ...
            SlotTable settledAfterLoss = a.table();
            a.clusteredMember().replayMembershipEvent();
            a.clusteredMember().replayMembershipEvent();
            b.clusteredMember().replayMembershipEvent();
            assertThat(a.table().epoch()).as("epoch after repeated events").isEqualTo(settledAfterLoss.epoch());
            assertThat(a.table().nodes()).isEqualTo(settledAfterLoss.nodes());
            // ... and a member that comes back under the same name is a new member, with a new id and its share
            SlotGrid again = members.start("c");
            SlotTable rejoined = awaitSettled(a, 3);
            List<NodeInfo> named = rejoined.nodes().stream().filter(n -> n.name().equals("c")).toList();
            assertThat(named).as("one member named c").hasSize(1);
            assertThat(named.get(0).id()).as("a new id").isNotEqualTo(dead);
            assertThat(rejoined.lostSlots()).isEmpty();
            again.<String, Integer>map("lost").put("back", 1);
            assertThat(a.<String, Integer>map("lost").get("back")).isEqualTo(1);
            for (int i = 0; i < 500; i++) {
                Integer read = again.<String, Integer>map("lost").get("k" + i);
                assertThat(read).isIn(null, i);
            }
        }
    }

    @Test
    void aMemberWithTheWrongSecret_isRefused_atTheJoinAndAtTheDataPlane() throws Exception {
        try (ClusterMembers members = new ClusterMembers("secret-" + System.nanoTime())) {
            SlotGrid a = members.start("a");
            assertThatThrownBy(() -> members.start("intruder", builder -> builder.secret("not-the-secret")
                    .joinTimeout(Duration.ofSeconds(30))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another cluster name or another shared secret");
            assertThatThrownBy(() -> members.start("stranger", builder -> builder.clusterName("another-cluster")
                    .joinTimeout(Duration.ofSeconds(30))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another cluster name or another shared secret");

            InetSocketAddress data = a.clusteredMember().dataAddress();
            NetworkTransport wrong = new NetworkTransport(new MessageCodec(dev.slotgrid.spi.Codecs.defaults()),
                    new Handshake(a.clusteredMember().settings().clusterName(), "not-the-secret"), "intruder",
                    new InetSocketAddress("127.0.0.1", 0), 1 << 20, TimeUnit.SECONDS.toNanos(5), 0, 16, id -> data,
                    (request, fallback) -> fallback);
            try {
                assertThatThrownBy(() -> wrong.call(0, new ControlRequest.StatsQuery()))
                        .isInstanceOf(MemberUnavailableException.class);
            } finally {
                wrong.close();
            }
            await().atMost(SETTLE).until(() -> a.clusteredMember().refusedConnections() > 0);
            long refused = a.clusteredMember().refusedConnections();
            // a raw peer that says HELLO with the right cluster name, then proves a wrong secret: refused by the server
            try (Socket socket = new Socket()) {
                socket.connect(data, 5000);
                socket.setSoTimeout(30_000);
                java.io.DataOutputStream out = new java.io.DataOutputStream(socket.getOutputStream());
                byte[] cluster = a.clusteredMember().settings().clusterName().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                byte[] name = "raw".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.writeInt(1 + 8 + 2 + cluster.length + 2 + name.length + Handshake.NONCE_BYTES);
                out.writeByte(NetworkTransport.HELLO);
                out.writeLong(0);
                out.writeShort(cluster.length);
                out.write(cluster);
                out.writeShort(name.length);
                out.write(name);
                out.write(Handshake.nonce());
                out.flush();
                java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
                byte[] ack = new byte[in.readInt()];
                in.readFully(ack);
                assertThat(ack[0]).isEqualTo(NetworkTransport.HELLO_ACK);
                out.writeInt(1 + 8 + Handshake.MAC_BYTES);
                out.writeByte(NetworkTransport.PROOF);
                out.writeLong(0);
                out.write(new byte[Handshake.MAC_BYTES]);
                out.flush();
                assertThat(in.read()).as("the server closes the connection").isEqualTo(-1);
            }
            await().atMost(SETTLE).until(() -> a.clusteredMember().refusedConnections() > refused);
            assertThat(a.table().nodes()).extracting(NodeInfo::name).containsExactly("a");
        }
    }

    @Test
    void randomBytesAtADataPort_closeOnlyThatConnection_andTheMemberKeepsServing() throws Exception {
        long seed = System.nanoTime();
        System.out.println("ClusteredGridTest fuzz seed = " + seed);
        Random random = new Random(seed);
        try (ClusterMembers members = new ClusterMembers("fuzz-" + seed)) {
            SlotGrid a = members.start("a");
            SlotGrid b = members.start("b");
            awaitSettled(a, 2);
            GridMap<String, String> map = b.map("fuzz");
            for (int i = 0; i < 100; i++) {
                map.put("k" + i, "v" + i);
            }
            InetSocketAddress data = a.clusteredMember().dataAddress();
            long refusedBefore = a.clusteredMember().refusedConnections();
            int attempts = 60;
            for (int attempt = 0; attempt < attempts; attempt++) {
                byte[] garbage = garbage(random, attempt);
                try (Socket socket = new Socket()) {
                    socket.connect(data, 5000);
                    socket.setSoTimeout(5000);
                    OutputStream out = socket.getOutputStream();
                    out.write(garbage);
                    out.flush();
                    socket.shutdownOutput();
                    // the member closes the connection (or waits for the rest of a truncated frame until we go)
                    if (attempt % 3 != 2) {
                        try {
                            while (socket.getInputStream().read() >= 0) {
                                // drain whatever it answers until it closes
                            }
                        } catch (java.net.SocketTimeoutException waitedEnough) {
                            // a truncated frame: the member waits for the rest; we give up on it
                        }
                    }
                } catch (java.io.IOException refused) {
                    // a reset is also a closed connection
                }
            }
            await().atMost(SETTLE).until(() -> a.clusteredMember().refusedConnections() > refusedBefore);
            for (int i = 0; i < 100; i++) {
                assertThat(map.get("k" + i)).isEqualTo("v" + i);
                assertThat(a.<String, String>map("fuzz").get("k" + i)).isEqualTo("v" + i);
            }
            map.put("after", "fuzz");
            assertThat(a.<String, String>map("fuzz").get("after")).isEqualTo("fuzz");
        }
    }

    /** Random frames: pure noise, huge length prefixes, truncated frames, and a valid HELLO followed by noise. */
    private static byte[] garbage(Random random, int attempt) {
        switch (attempt % 4) {
            case 0: {
                byte[] noise = new byte[1 + random.nextInt(2048)];
                random.nextBytes(noise);
                return noise;
            }
            case 1: {
                ByteBuffer huge = ByteBuffer.allocate(16);
                huge.putInt(Integer.MAX_VALUE - random.nextInt(1000)).putLong(random.nextLong()).putInt(random.nextInt());
                return huge.array();
            }
            case 2: {
                ByteBuffer truncated = ByteBuffer.allocate(12);
                truncated.putInt(500 + random.nextInt(500)).putLong(random.nextLong());
                return truncated.array();
            }
            default: {
                byte[] cluster = "fuzz".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                byte[] noise = new byte[random.nextInt(64)];
                random.nextBytes(noise);
                ByteBuffer frame = ByteBuffer.allocate(4 + 1 + 8 + noise.length);
                frame.putInt(1 + 8 + noise.length).put(NetworkTransport.REQUEST).putLong(random.nextLong()).put(noise);
                return frame.array();
            }
        }
    }
}
