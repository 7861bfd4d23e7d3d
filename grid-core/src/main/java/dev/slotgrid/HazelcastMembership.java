package dev.slotgrid;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Membership, discovery and failure detection of clustered members, from an embedded Hazelcast
 * member used for nothing else (the pattern of Vert.x's Hazelcast cluster manager): TCP-IP join to
 * the seeds, multicast and auto-detection off, phone-home off, bound to the configured address.
 * Each Hazelcast member carries its SlotGrid member's name, data-plane address and weight as
 * member attributes; Hazelcast's member list is ordered by age, oldest first, which elects the
 * coordinator.
 *
 * <p>The Hazelcast cluster name is the SlotGrid cluster name joined with a digest of the shared
 * secret, so a member with another cluster name or another secret is refused at the join (OSS
 * Hazelcast checks no credentials itself); the data plane's handshake checks the secret again.
 *
 * <p>Events arrive on Hazelcast's threads, possibly late, twice, or for a member that rejoined
 * under the same name (a new UUID); the listener must treat them as hints and act on the current
 * member list ({@link #members()}). Thread-safe.
 */
final class HazelcastMembership implements AutoCloseable {

    static final String NAME = "slotgrid.name";
    static final String DATA = "slotgrid.data";
    static final String WEIGHT = "slotgrid.weight";

    /** One Hazelcast member, as SlotGrid sees it. */
    record Peer(UUID uuid, String name, InetSocketAddress data, int weight, boolean local) {
    }

    /** Called on a Hazelcast thread for each membership change, and when this member's Hazelcast merges or stops. */
    interface Listener {
        void changed();

        void merged();
    }

    private final HazelcastInstance hazelcast;

    HazelcastMembership(ClusterSettings settings, Handshake handshake, InetSocketAddress data, Listener listener) {
        Config config = new Config();
        config.setClusterName(settings.clusterName() + "-" + handshake.secretTag());
        config.setInstanceName("slotgrid-" + settings.memberName() + "-" + UUID.randomUUID());
        config.setProperty("hazelcast.logging.type", System.getProperty("hazelcast.logging.type", "none"));
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.health.monitoring.level", "OFF");
        config.setProperty("hazelcast.partition.count", "7"); // SlotGrid keeps no data in Hazelcast
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", Long.toString(settings.failureTimeout().toSeconds()));
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(settings.membershipPort()).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).addInterface(settings.bindAddress());
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(settings.seeds());
        config.getMemberAttributeConfig().setAttribute(NAME, settings.memberName());
        config.getMemberAttributeConfig().setAttribute(DATA, data.getHostString() + ":" + data.getPort());
        config.getMemberAttributeConfig().setAttribute(WEIGHT, Integer.toString(settings.weight()));
        config.addListenerConfig(new ListenerConfig(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                listener.changed();
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                listener.changed();
            }
        }));
        config.addListenerConfig(new ListenerConfig((LifecycleListener) event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                listener.merged();
            }
        }));
        try {
            this.hazelcast = Hazelcast.newHazelcastInstance(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException("member '" + settings.memberName() + "' could not start its membership on "
                    + settings.bindAddress() + ":" + settings.membershipPort() + ": " + e.getMessage(), e);
        }
    }

    /** The members now, oldest first (the first is the coordinator). */
    List<Peer> members() {
        List<Peer> peers = new ArrayList<>();
        if (!hazelcast.getLifecycleService().isRunning()) {
            return peers;
        }
        for (Member member : hazelcast.getCluster().getMembers()) {
            String name = member.getAttribute(NAME);
            String data = member.getAttribute(DATA);
            if (name == null || data == null) {
                continue; // not a SlotGrid member
            }
            int colon = data.lastIndexOf(':');
            InetSocketAddress address = InetSocketAddress.createUnresolved(data.substring(0, colon),
                    Integer.parseInt(data.substring(colon + 1)));
            String weight = member.getAttribute(WEIGHT);
            peers.add(new Peer(member.getUuid(), name, new InetSocketAddress(address.getHostString(), address.getPort()),
                    weight == null ? 1 : Integer.parseInt(weight), member.localMember()));
        }
        return peers;
    }

    /**
     * A seed other than this member itself where something accepts connections although this member
     * is alone in its membership: that cluster refused it (Hazelcast joins only members with the same
     * cluster name, which carries the secret's tag), so founding a grid of its own would split one.
     * {@code null} when no seed answers: this is the first member up. Probes each seed (1 s at most each).
     */
    String listeningSeed(ClusterSettings settings) {
        String self = settings.bindAddress() + ":" + port();
        for (String seed : settings.seeds()) {
            int colon = seed.lastIndexOf(':');
            String host = colon < 0 ? seed : seed.substring(0, colon);
            int port = colon < 0 ? 5701 : Integer.parseInt(seed.substring(colon + 1));
            if (seed.equals(self) || (port == port() && isLocalAddress(settings, host))) {
                continue;
            }
            try (java.net.Socket probe = new java.net.Socket()) {
                probe.connect(new InetSocketAddress(host, port), 1000);
                return seed;
            } catch (java.io.IOException nobody) {
                // nothing listens there (yet)
            }
        }
        return null;
    }

    private static boolean isLocalAddress(ClusterSettings settings, String host) {
        return host.equals(settings.bindAddress()) || host.equals("localhost") || host.equals("127.0.0.1");
    }

    /** The membership's own port. */
    int port() {
        return hazelcast.getCluster().getLocalMember().getAddress().getPort();
    }

    UUID localUuid() {
        return hazelcast.getCluster().getLocalMember().getUuid();
    }

    boolean isRunning() {
        return hazelcast.getLifecycleService().isRunning();
    }

    /** Leaves the Hazelcast cluster and stops; {@code graceful} false stops at once (as a crash would look). */
    void stop(boolean graceful) {
        if (graceful) {
            hazelcast.shutdown();
        } else {
            hazelcast.getLifecycleService().terminate();
        }
    }

    @Override
    public void close() {
        stop(true);
    }
}
