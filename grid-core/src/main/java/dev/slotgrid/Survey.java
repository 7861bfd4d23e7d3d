package dev.slotgrid;

import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.SlotTable;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the members a membership shows answered {@link CoordinatorRequest.MemberState}: the newest
 * table any of them has (a successor continues from it), and the names of those that confirm the
 * asker as the member they follow (what a {@link Quorum} counts).
 */
record Survey(SlotTable best, Set<String> confirming) {

    /**
     * Asks every member the membership shows that {@code known} lists, all at once, bounded by
     * {@code within} (the failure timeout: one that cannot answer in that time is about to be declared dead):
     * the newest table any of them has, and who confirms this member as the one it follows (the
     * oldest in its own membership). This member ({@code self}) confirms itself. Events thread of
     * the asking member; costs one round trip, at most {@code within}.
     */
    static Survey take(NetworkTransport transport, String self, Duration within, List<HazelcastMembership.Peer> peers,
            SlotTable known) {
        Map<String, CompletableFuture<Object>> asked = new HashMap<>();
        for (HazelcastMembership.Peer peer : peers) {
            NodeInfo node = peer.local() ? null : known.nodes().stream().filter(n -> n.name().equals(peer.name()))
                    .findFirst().orElse(null);
            if (node != null) {
                try {
                    asked.put(peer.name(), transport.send(node.id(), new CoordinatorRequest.MemberState()));
                } catch (RuntimeException unreachable) {
                    // counts as not confirming
                }
            }
        }
        SlotTable best = known;
        Set<String> confirming = new HashSet<>();
        confirming.add(self);
        long deadline = System.nanoTime() + within.toNanos();
        for (Map.Entry<String, CompletableFuture<Object>> answer : asked.entrySet()) {
            try {
                Object reply = answer.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (reply instanceof CoordinatorRequest.MemberView view) {
                    if (view.table() != null && view.table().epoch() > best.epoch()) {
                        best = view.table();
                    }
                    if (self.equals(view.oldest())) {
                        confirming.add(answer.getKey());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | TimeoutException silent) {
                answer.getValue().cancel(false); // a member that cannot answer has no newer table and confirms nothing
            }
        }
        return new Survey(best, confirming);
    }
}
