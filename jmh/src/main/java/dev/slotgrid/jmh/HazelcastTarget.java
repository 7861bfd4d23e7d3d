package dev.slotgrid.jmh;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hazelcast 5.7 embedded {@code IMap}, with 1 or 3 members started in this JVM on 127.0.0.1 and
 * joined by TCP/IP (multicast, auto-detection and phone-home off, logging off). Calls enter
 * through the first member: with 3 members about two thirds of the keys live on another member and
 * each call crosses the loopback network.
 *
 * <p>The cluster gets a random name and ports of its own, so that it never joins (or is joined by)
 * another Hazelcast on this shared machine; {@link #start} fails if the members did not all join.
 */
final class HazelcastTarget implements MapTarget {

    static final String ONE_MEMBER = "hazelcast-1";
    static final String THREE_MEMBERS = "hazelcast-3";

    private static final int LOAD_BATCH = 10_000;
    private static final int PORT_SEARCH_ATTEMPTS = 50;

    private final List<HazelcastInstance> members;
    private final IMap<String, Long> map;

    private HazelcastTarget(List<HazelcastInstance> members) {
        this.members = members;
        this.map = members.get(0).getMap("bench");
    }

    static HazelcastTarget start(int memberCount) {
        int basePort = freePortRange(memberCount);
        String clusterName = "slotgrid-jmh-" + UUID.randomUUID();
        List<HazelcastInstance> members = new ArrayList<>(memberCount);
        try {
            for (int i = 0; i < memberCount; i++) {
                members.add(Hazelcast.newHazelcastInstance(config(clusterName, basePort, memberCount)));
            }
            int joined = members.get(0).getCluster().getMembers().size();
            if (joined != memberCount) {
                throw new IllegalStateException("expected " + memberCount + " Hazelcast members in one cluster, "
                        + "but the first member sees " + joined);
            }
            return new HazelcastTarget(members);
        } catch (RuntimeException | Error e) {
            members.forEach(HazelcastInstance::shutdown);
            throw e;
        }
    }

    private static Config config(String clusterName, int basePort, int memberCount) {
        int[] seeds = new int[memberCount];
        for (int i = 0; i < memberCount; i++) {
            seeds[i] = basePort + i;
        }
        Config config = memberConfig(clusterName, basePort, seeds);
        config.getNetworkConfig().setPortAutoIncrement(true).setPortCount(memberCount);
        return config;
    }

    /**
     * A member of a benchmark cluster on 127.0.0.1: TCP-IP join to {@code seedPorts}, multicast,
     * auto-detection, phone-home, health monitoring and logging off, listening on {@code port}.
     */
    static Config memberConfig(String clusterName, int port, int[] seedPorts) {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.logging.type", "none");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.health.monitoring.level", "OFF");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(port).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        for (int seed : seedPorts) {
            join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + seed);
        }
        return config;
    }

    /** The first of {@code count} consecutive ports that are free on 127.0.0.1 now (racy, but rarely wrong). */
    private static int freePortRange(int count) {
        for (int attempt = 0; attempt < PORT_SEARCH_ATTEMPTS; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(15_000, 30_000);
            if (allFree(base, count)) {
                return base;
            }
        }
        throw new IllegalStateException("found no " + count + " free consecutive ports for Hazelcast in "
                + PORT_SEARCH_ATTEMPTS + " attempts");
    }

    private static boolean allFree(int base, int count) {
        for (int port = base; port < base + count; port++) {
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                probe.setReuseAddress(true);
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void load(String[] keys, Long[] values) {
        Map<String, Long> batch = new HashMap<>();
        for (int i = 0; i < keys.length; i++) {
            batch.put(keys[i], values[i]);
            if (batch.size() == LOAD_BATCH || i == keys.length - 1) {
                map.putAll(batch);
                batch.clear();
            }
        }
    }

    @Override
    public Long get(String key) {
        return map.get(key);
    }

    @Override
    public Long put(String key, Long value) {
        return map.put(key, value);
    }

    @Override
    public void close() {
        members.get(0).getCluster().shutdown(); // ~1 s, against ~10 s for members leaving one by one
        for (HazelcastInstance member : members) {
            if (member.getLifecycleService().isRunning()) {
                member.shutdown();
            }
        }
    }
}
