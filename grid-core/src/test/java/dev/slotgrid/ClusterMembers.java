package dev.slotgrid;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Clustered members started in this JVM for a test, each with its own Hazelcast and Netty on free
 * loopback ports, joined through the first one's membership port; {@link #close()} stops every one
 * still running (in a {@code finally} or try-with-resources).
 */
final class ClusterMembers implements AutoCloseable {

    static final String SECRET = "test-secret";

    private final String clusterName;
    private final List<SlotGrid> started = new ArrayList<>();
    private final List<Integer> membershipPorts = new ArrayList<>();

    ClusterMembers(String clusterName) {
        this.clusterName = clusterName;
    }

    /** A port nobody listens on now (it may be taken by the time it is bound: rare, and a start would say so). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port", e);
        }
    }

    /** The builder of a member of this test's cluster, seeded with every member started so far. */
    ClusterBuilder builder(String memberName) {
        int port = freePort();
        List<String> seeds = new ArrayList<>();
        for (int seedPort : membershipPorts) {
            seeds.add("127.0.0.1:" + seedPort);
        }
        seeds.add("127.0.0.1:" + port);
        return SlotGrid.cluster().clusterName(clusterName).memberName(memberName).secret(SECRET)
                .bindAddress("127.0.0.1").membershipPort(port).seeds(seeds.toArray(String[]::new))
                .failureTimeout(Duration.ofSeconds(4)).callTimeout(Duration.ofSeconds(20))
                .joinTimeout(Duration.ofSeconds(90)).jmx(false);
    }

    SlotGrid start(String memberName) {
        return start(memberName, UnaryOperator.identity());
    }

    SlotGrid start(String memberName, UnaryOperator<ClusterBuilder> configure) {
        ClusterBuilder builder = configure.apply(builder(memberName));
        SlotGrid grid = builder.start();
        synchronized (this) {
            started.add(grid);
            membershipPorts.add(builder.settings().membershipPort());
        }
        return grid;
    }

    List<Integer> membershipPorts() {
        return List.copyOf(membershipPorts);
    }

    /** Stops every member still running, newest first; a failure to stop one does not keep the others running. */
    @Override
    public void close() {
        List<SlotGrid> all;
        synchronized (this) {
            all = new ArrayList<>(started);
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                all.get(i).closeAbruptly();
            } catch (RuntimeException e) {
                // keep stopping the others
            }
        }
    }
}
