package dev.slotgrid.slot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Decides which members hold the backups of each slot, given the slots' owners.
 *
 * <p>Each slot gets {@code backups} copies on distinct members other than its owner (fewer when
 * there are not enough members). Every member ends within one copy of its weighted fair share of
 * all copies, counted over every rank, whenever the weights allow it (a member can hold at most one
 * copy of each slot it does not own; where a heavy member cannot take its share, the rest is spread
 * as evenly as the slots allow), and each owner's slots are backed by the other members about
 * equally, so that the death of a member spreads its load. The plan copies little: a valid copy (on
 * a member, not the slot's owner) is kept unless its member holds more than its share, a missing
 * copy goes to a member below its share, through a chain of reassigned fresh copies if no member
 * below its share can hold that slot, and only then is a kept copy moved. So a plan of a table
 * planned before creates nothing, a death re-creates exactly the copies it took, and adding a fourth
 * member to three with one backup creates exactly its 4096 copies. It is a greedy fill, not a
 * min-cost flow, so it may create more than the fewest; in {@code ReplicaPlannerTest} it met a
 * maximum-flow lower bound exactly in every random plan checked.
 *
 * <p>Stateless and thread-safe. Cost: slots × members for the fill, plus a breadth-first search
 * over the slots for each copy that no member below its share can hold; tens of milliseconds.
 */
public final class ReplicaPlanner {

    private static final int SLOTS = SlotTable.SLOTS;
    private static final int NONE = Replicas.NONE;

    private ReplicaPlanner() {
    }

    /**
     * A copy of one slot on one member.
     *
     * @param slot the slot
     * @param member the member's id
     */
    public record SlotCopy(int slot, int member) {
    }

    /**
     * The result of {@link #plan}.
     *
     * @param target the table with the planned backups, at the current epoch + 1
     * @param created the copies to make, ascending by slot: a member that must copy the slot from its owner
     * @param dropped the copies no longer wanted, ascending by slot: safe to drop once the created ones exist
     */
    public record ReplicaPlan(SlotTable target, List<SlotCopy> created, List<SlotCopy> dropped) {
        /** Copies the lists. */
        public ReplicaPlan {
            created = List.copyOf(created);
            dropped = List.copyOf(dropped);
        }
    }

    /**
     * The backups of {@code table}'s slots over {@code members}.
     *
     * @param table the table: its owners are kept, its backups are the starting point
     * @param members the nodes that may hold copies, each registered in {@code table}; a node that
     *     is leaving (or dead) is left out, and its copies move
     * @param backups copies per slot, in {@code [0, Replicas.MAX_BACKUPS]}
     * @return the plan
     * @throws IllegalArgumentException if {@code backups} is out of range, or a member is not
     *     registered in {@code table} or appears twice
     * @throws NullPointerException if an argument is or holds {@code null}
     */
    public static ReplicaPlan plan(SlotTable table, List<NodeInfo> members, int backups) {
        Objects.requireNonNull(table, "table must not be null");
        SlotTable.requireNodes(members, "members");
        if (backups < 0 || backups > Replicas.MAX_BACKUPS) {
            throw new IllegalArgumentException("backups must be in [0, " + Replicas.MAX_BACKUPS + "], was " + backups);
        }
        NodeInfo[] sorted = members.toArray(new NodeInfo[0]);
        Arrays.sort(sorted, (a, b) -> Integer.compare(a.id(), b.id()));
        int[] indexOfId = new int[NodeInfo.MAX_NODE_ID + 1];
        Arrays.fill(indexOfId, -1);
        for (int i = 0; i < sorted.length; i++) {
            if (!sorted[i].equals(table.node(sorted[i].id()))) {
                throw new IllegalArgumentException("member " + sorted[i] + " is not registered in the table");
            }
            if (indexOfId[sorted[i].id()] >= 0) {
                throw new IllegalArgumentException("member " + sorted[i] + " appears twice");
            }
            indexOfId[sorted[i].id()] = i;
        }
        return new Fill(table, sorted, indexOfId, backups).run();
    }

    /** One plan's working state. */
    private static final class Fill {
        private final SlotTable table;
        private final NodeInfo[] members;
        private final int[] indexOfId;
        private final short[][] ranks;
        private final boolean[][] fresh; // [rank][slot]: a copy this plan creates, free to reassign
        private final int[] count; // copies per member index
        /** [owner index][member index]: copies of the owner's slots a member holds, to spread each owner's slots. */
        private final int[][] pairs;
        private int[] quota;
        /** Holes per slot still to fill, and per member the slots with holes it could fill. */
        private final int[] holesLeft = new int[SLOTS];
        private final int[] eligibleHoles;
        private int pendingRoot;

        Fill(SlotTable table, NodeInfo[] members, int[] indexOfId, int backups) {
            this.table = table;
            this.members = members;
            this.indexOfId = indexOfId;
            this.ranks = new short[backups][SLOTS];
            this.fresh = new boolean[backups][SLOTS];
            this.count = new int[members.length];
            this.pairs = new int[members.length][members.length];
            this.eligibleHoles = new int[members.length];
            for (short[] rank : ranks) {
                Arrays.fill(rank, (short) NONE);
            }
        }

        ReplicaPlan run() {
            Replicas current = table.replicas();
            int total = 0;
            for (int slot = 0; slot < SLOTS; slot++) {
                int want = wanted(slot);
                total += want;
                int n = 0;
                for (int member : current.backupsOf(slot)) {
                    if (n < want && indexOfId[member] >= 0 && member != table.ownerOf(slot)) {
                        ranks[n++][slot] = (short) member;
                        add(slot, indexOfId[member], 1);
                    }
                }
            }
            quota = capped(PlacementPlanner.fairShares(members, count, total));
            for (int slot = 0; slot < SLOTS; slot++) {
                int n = 0;
                while (n < ranks.length && ranks[n][slot] != NONE) {
                    n++;
                }
                holesLeft[slot] = wanted(slot) - n;
                if (holesLeft[slot] > 0) {
                    for (int i = 0; i < members.length; i++) {
                        if (eligible(slot, members[i].id())) {
                            eligibleHoles[i]++;
                        }
                    }
                }
            }
            int[] order = interleavedByOwner();
            fill(order, true);
            fill(order, false);
            rebalance(order, true);
            rebalance(order, false);
            Replicas target = Replicas.adopt(ranks);
            List<SlotCopy> created = new ArrayList<>();
            List<SlotCopy> dropped = new ArrayList<>();
            for (int slot = 0; slot < SLOTS; slot++) {
                for (int member : target.backupsOf(slot)) {
                    if (!current.isBackup(slot, member)) {
                        created.add(new SlotCopy(slot, member));
                    }
                }
                for (int member : current.backupsOf(slot)) {
                    if (!target.isBackup(slot, member)) {
                        dropped.add(new SlotCopy(slot, member));
                    }
                }
            }
            return new ReplicaPlan(table.withReplicas(target), created, dropped);
        }

        /**
         * Fills the holes of every slot in {@code order}: with members below their share only, or
         * else by a swap with a copy this plan created, or else with the eligible member least
         * above its share. A slot's holes are after its copies, so the first hole is its next rank.
         */
        private void fill(int[] order, boolean belowOnly) {
            for (int slot : order) {
                int want = wanted(slot);
                for (int r = 0; r < want; r++) {
                    if (ranks[r][slot] != NONE) {
                        continue;
                    }
                    int i = choose(slot, belowOnly);
                    if (i < 0) {
                        break;
                    }
                    if (quota[i] <= count[i] && swapIn(slot, r, order)) {
                        i = pendingRoot; // the chain's root gave a copy away and takes this slot instead
                    }
                    ranks[r][slot] = (short) members[i].id();
                    fresh[r][slot] = true;
                    add(slot, i, 1);
                    filled(slot, i);
                }
            }
        }

        /** Keeps the hole counts true after member {@code i} filled a hole of {@code slot}. */
        private void filled(int slot, int i) {
            eligibleHoles[i]--;
            if (--holesLeft[slot] == 0) {
                for (int y = 0; y < members.length; y++) {
                    if (eligible(slot, members[y].id())) {
                        eligibleHoles[y]--;
                    }
                }
            }
        }

        /**
         * The shares, each capped at the copies a member can hold (one per slot it does not own),
         * what a cap cuts given to the members furthest below their cap.
         */
        private int[] capped(int[] shares) {
            int[] cap = new int[members.length];
            for (int slot = 0; slot < SLOTS; slot++) {
                if (wanted(slot) > 0) {
                    for (int i = 0; i < members.length; i++) {
                        if (members[i].id() != table.ownerOf(slot)) {
                            cap[i]++;
                        }
                    }
                }
            }
            int excess = 0;
            for (int i = 0; i < members.length; i++) {
                excess += Math.max(0, shares[i] - cap[i]);
                shares[i] = Math.min(shares[i], cap[i]);
            }
            while (excess > 0) {
                int roomiest = -1;
                for (int i = 0; i < members.length; i++) {
                    if (shares[i] < cap[i] && (roomiest < 0 || cap[i] - shares[i] > cap[roomiest] - shares[roomiest])) {
                        roomiest = i;
                    }
                }
                if (roomiest < 0) {
                    break;
                }
                shares[roomiest]++;
                excess--;
            }
            return shares;
        }

        /**
         * Every member eligible for {@code slot} is at its share, and those below it cannot hold it
         * (they own it or already back it). Looks for a chain of copies this plan created: a member
         * eligible here takes {@code slot} and hands one of its fresh copies to another member, which
         * hands one of its own on, until a member below its share receives one (a breadth-first
         * search over members, as an augmenting path in a flow). Only fresh copies are reassigned,
         * so no copy that existed before moves; returns false if there is no such chain.
         */
        private boolean swapIn(int slot, int r, int[] order) {
            int m = members.length;
            int[] viaMember = new int[m];
            int[] viaSlot = new int[m];
            int[] viaRank = new int[m];
            Arrays.fill(viaMember, -1);
            boolean[] frontier = new boolean[m];
            boolean any = false;
            for (int i = 0; i < m; i++) {
                if (eligible(slot, members[i].id())) {
                    frontier[i] = true;
                    viaMember[i] = i; // a root
                    any = true;
                }
            }
            while (any) {
                boolean[] next = new boolean[m];
                any = false;
                for (int t : order) {
                    for (int q = 0; q < ranks.length; q++) {
                        int holder = ranks[q][t];
                        if (holder == NONE || !fresh[q][t] || !frontier[indexOfId[holder]]) {
                            continue;
                        }
                        for (int y = 0; y < m; y++) {
                            if (viaMember[y] >= 0 || !eligible(t, members[y].id())) {
                                continue;
                            }
                            viaMember[y] = indexOfId[holder];
                            viaSlot[y] = t;
                            viaRank[y] = q;
                            if (quota[y] > count[y]) {
                                shiftAlong(y, viaMember, viaSlot, viaRank);
                                return true;
                            }
                            next[y] = true;
                            any = true;
                        }
                    }
                }
                frontier = next;
            }
            return false;
        }

        private void shiftAlong(int receiver, int[] viaMember, int[] viaSlot, int[] viaRank) {
            int cur = receiver;
            while (viaMember[cur] != cur) {
                int giver = viaMember[cur];
                int t = viaSlot[cur];
                add(t, giver, -1);
                ranks[viaRank[cur]][t] = (short) members[cur].id();
                add(t, cur, 1);
                if (holesLeft[t] > 0) {
                    eligibleHoles[giver]++;
                    eligibleHoles[cur]--;
                }
                cur = giver;
            }
            pendingRoot = cur;
        }

        /** Copies a slot can have: one per member other than its owner, at most {@code backups}. */
        private int wanted(int slot) {
            int eligible = members.length - (indexOfId[table.ownerOf(slot)] >= 0 ? 1 : 0);
            return Math.min(ranks.length, eligible);
        }

        private void add(int slot, int i, int delta) {
            count[i] += delta;
            int owner = indexOfId[table.ownerOf(slot)];
            if (owner >= 0) {
                pairs[owner][i] += delta;
            }
        }

        /**
         * The slots, the first of each owner's, then the second of each, and so on: filled in this
         * order, each owner's slots spread over the other members instead of the first members below
         * their share taking a whole owner's slots.
         */
        private int[] interleavedByOwner() {
            List<List<Integer>> byOwner = new ArrayList<>();
            int[] column = new int[NodeInfo.MAX_NODE_ID + 1];
            Arrays.fill(column, -1);
            for (int slot = 0; slot < SLOTS; slot++) {
                int owner = table.ownerOf(slot);
                if (column[owner] < 0) {
                    column[owner] = byOwner.size();
                    byOwner.add(new ArrayList<>());
                }
                byOwner.get(column[owner]).add(slot);
            }
            int[] order = new int[SLOTS];
            int n = 0;
            for (int k = 0; n < SLOTS; k++) {
                for (List<Integer> slots : byOwner) {
                    if (k < slots.size()) {
                        order[n++] = slots.get(k);
                    }
                }
            }
            return order;
        }

        /**
         * The member to hold a new copy of a slot: among those eligible and below their share, the
         * one holding the fewest copies of this slot's owner (then the furthest below its share, then
         * the lowest id); if none is below its share and {@code belowOnly} is false, the eligible one
         * least above it. Returns -1 if there is none.
         */
        private int choose(int slot, boolean belowOnly) {
            int owner = indexOfId[table.ownerOf(slot)];
            int best = -1;
            for (int i = 0; i < members.length; i++) {
                if (!eligible(slot, members[i].id())) {
                    continue;
                }
                if (best < 0 || better(i, best, owner)) {
                    best = i;
                }
            }
            return best >= 0 && belowOnly && quota[best] <= count[best] ? -1 : best;
        }

        private boolean better(int i, int than, int owner) {
            boolean below = quota[i] > count[i];
            boolean thanBelow = quota[than] > count[than];
            if (below != thanBelow) {
                return below;
            }
            boolean forced = below && quota[i] - count[i] >= eligibleHoles[i];
            boolean thanForced = thanBelow && quota[than] - count[than] >= eligibleHoles[than];
            if (forced != thanForced) {
                return forced; // it needs every hole it can still fill
            }
            if (below && owner >= 0 && pairs[owner][i] != pairs[owner][than]) {
                return pairs[owner][i] < pairs[owner][than];
            }
            return quota[i] - count[i] > quota[than] - count[than];
        }

        /**
         * Moves copies from members above their share to eligible members below it: first copies
         * this plan created (reassigning one costs nothing), then, only if members are still below,
         * copies that existed (each such move is one that a balanced plan cannot avoid).
         */
        private void rebalance(int[] order, boolean freshOnly) {
            for (int slot : order) {
                for (int r = 0; r < ranks.length; r++) {
                    int holder = ranks[r][slot];
                    if (holder == NONE || (freshOnly && !fresh[r][slot])) {
                        continue;
                    }
                    int h = indexOfId[holder];
                    if (count[h] <= quota[h]) {
                        continue;
                    }
                    int d = choose(slot, true);
                    if (d < 0) {
                        continue;
                    }
                    add(slot, h, -1);
                    ranks[r][slot] = (short) members[d].id();
                    fresh[r][slot] = true;
                    add(slot, d, 1);
                }
            }
        }

        private boolean eligible(int slot, int member) {
            if (member == table.ownerOf(slot)) {
                return false;
            }
            for (short[] rank : ranks) {
                if (rank[slot] == member) {
                    return false;
                }
            }
            return true;
        }
    }
}
