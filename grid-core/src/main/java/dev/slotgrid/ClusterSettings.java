package dev.slotgrid;

import java.time.Duration;
import java.util.List;

/**
 * How one clustered member starts: its names, addresses, peers and limits ({@link ClusterBuilder}).
 *
 * @param clusterName members of one grid share it
 * @param memberName unique in the cluster, stable across restarts of the same service instance
 * @param secret shared by every member; checked at the membership join and the data-plane handshake
 * @param bindAddress the interface both ports listen on (loopback by default)
 * @param membershipPort Hazelcast's port (0: chosen free)
 * @param dataPort the data plane's port (0: chosen free)
 * @param seeds {@code host:port} of Hazelcast members to join through (empty: start a new cluster)
 * @param weight the placement weight
 * @param failureTimeout how long a member may stay silent before it is declared dead
 * @param callTimeout how long a call to another member waits for its reply
 * @param spinWait how long a synchronous call spins on its reply before it parks
 * @param maxInFlight requests outstanding to one member before callers wait
 * @param maxFrameBytes the largest data-plane frame accepted
 */
record ClusterSettings(String clusterName, String memberName, String secret, String bindAddress, int membershipPort,
        int dataPort, List<String> seeds, int weight, Duration failureTimeout, Duration callTimeout, Duration spinWait,
        int maxInFlight, int maxFrameBytes) {
}
