package dev.slotgrid.jmh;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;

/**
 * A Hazelcast 5.7 member in a process of its own, for {@link ClusterBenchmark}'s Hazelcast
 * topology: {@code HazelcastMemberMain CLUSTER_NAME PORT BACKUPS SEED_PORT...}; prints {@code READY} once
 * started and shuts down at the end of its standard input.
 */
public final class HazelcastMemberMain {

    private HazelcastMemberMain() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[1]);
        int backups = Integer.parseInt(args[2]);
        int[] seeds = new int[args.length - 3];
        for (int i = 3; i < args.length; i++) {
            seeds[i - 3] = Integer.parseInt(args[i]);
        }
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config(args[0], port, backups, seeds));
        System.out.println("READY hazelcast port=" + port);
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the benchmark closes our input
        }
        member.shutdown();
        System.exit(0);
    }

    /** A member of the benchmark's Hazelcast cluster, its maps with {@code backups} synchronous backups. */
    static Config config(String clusterName, int port, int backups, int[] seedPorts) {
        Config config = HazelcastTarget.memberConfig(clusterName, port, seedPorts);
        config.getMapConfig("default").setBackupCount(backups).setAsyncBackupCount(0);
        return config;
    }
}
