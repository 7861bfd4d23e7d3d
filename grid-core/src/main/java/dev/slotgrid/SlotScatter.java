package dev.slotgrid;

import dev.slotgrid.slot.SlotTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Asks every slot's owner about its slots, one request per owner, and asks again where they went
 * for the slots an owner no longer serves: so each slot is answered by a member that served it when
 * it answered. For control-plane work (index builds, verification); queries have their own, with
 * budgets ({@link QueryEngine}).
 */
final class SlotScatter {

    private SlotScatter() {
    }

    /**
     * @param request the request for one owner's share of the slots
     * @param moved the slots a reply says its member does not serve
     * @param timeoutNanos how long slots may keep moving before an {@link IllegalStateException}
     * @return every reply, in no particular order
     */
    @SuppressWarnings("unchecked")
    static <R> List<R> run(Cluster cluster, int[] slots, Function<int[], Request> request, Function<R, int[]> moved,
            long timeoutNanos) {
        long start = System.nanoTime();
        Router router = cluster.controlRouter();
        List<R> replies = new ArrayList<>();
        int[] pending = slots;
        for (int attempt = 0; pending.length > 0; attempt++) {
            if (attempt > 0) {
                if (System.nanoTime() - start > timeoutNanos) {
                    throw new IllegalStateException(pending.length + " slots were not served by any member for "
                            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms (they kept moving), e.g. slot "
                            + pending[0]);
                }
                Backoff.pause(attempt);
            }
            SlotTable table = cluster.table();
            Map<Integer, List<Integer>> byOwner = new LinkedHashMap<>();
            for (int slot : pending) {
                byOwner.computeIfAbsent(table.ownerOf(slot), owner -> new ArrayList<>()).add(slot);
            }
            List<Integer> again = new ArrayList<>();
            for (Map.Entry<Integer, List<Integer>> share : byOwner.entrySet()) {
                int[] owned = share.getValue().stream().mapToInt(Integer::intValue).toArray();
                R reply = (R) router.ask(share.getKey(), request.apply(owned));
                replies.add(reply);
                for (int slot : moved.apply(reply)) {
                    again.add(slot);
                }
            }
            pending = again.stream().mapToInt(Integer::intValue).toArray();
        }
        return replies;
    }

    static int[] allSlots() {
        int[] all = new int[SlotTable.SLOTS];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return all;
    }
}
