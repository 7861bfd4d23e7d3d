package dev.slotgrid.jmh;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;

/**
 * A Hazelcast 5.7 member in a process of its own, for {@link ClusterBenchmark}'s Hazelcast
 * topology: {@code HazelcastMemberMain CLUSTER_NAME PORT SEED_PORT...}; prints {@code READY} once
 * started and shuts down at the end of its standard input.
 */
public final class HazelcastMemberMain {

    private HazelcastMemberMain() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[1]);
        int[] seeds = new int[args.length - 2];
        for (int i = 2; i < args.length; i++) {
            seeds[i - 2] = Integer.parseInt(args[i]);
        }
        HazelcastInstance member = Hazelcast.newHazelcastInstance(HazelcastTarget.memberConfig(args[0], port, seeds));
        System.out.println("READY hazelcast port=" + port);
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the benchmark closes our input
        }
        member.shutdown();
        System.exit(0);
    }
}
