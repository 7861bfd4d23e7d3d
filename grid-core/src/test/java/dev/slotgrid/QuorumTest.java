package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.SlotTable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The quorum rule: of any two disjoint groups of a table's members, at most one holds it. */
class QuorumTest {

    private static SlotTable table(String... names) {
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            nodes.add(new NodeInfo(i, names[i], 1));
        }
        return SlotTable.initial(nodes);
    }

    @Test
    void aMajorityHolds_aMinorityDoesNot_andOfTwoHalvesOnlyTheOneWithTheLowestId() {
        SlotTable three = table("a", "b", "c");
        assertThat(Quorum.holds(three, Set.of("a", "b", "c"))).isTrue();
        assertThat(Quorum.holds(three, Set.of("b", "c"))).isTrue();
        assertThat(Quorum.holds(three, Set.of("a"))).isFalse();
        assertThat(Quorum.holds(three, Set.of("b"))).isFalse();
        assertThat(Quorum.holds(three, Set.of("b", "newcomer"))).as("members not in the table do not count").isFalse();
        SlotTable four = table("a", "b", "c", "d");
        assertThat(Quorum.holds(four, Set.of("a", "d"))).isTrue();
        assertThat(Quorum.holds(four, Set.of("b", "c"))).isFalse();
        SlotTable two = table("a", "b");
        assertThat(Quorum.holds(two, Set.of("a"))).isTrue();
        assertThat(Quorum.holds(two, Set.of("b"))).as("the price: b never takes over from a alone").isFalse();
        assertThat(Quorum.holds(table("a"), Set.of("a"))).isTrue();
    }

    @Test
    void ofAnyTwoDisjointSides_atMostOneHoldsIt() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 2_000; round++) {
            int size = 1 + random.nextInt(9);
            String[] names = new String[size];
            for (int i = 0; i < size; i++) {
                names[i] = "m" + i;
            }
            SlotTable table = table(names);
            Set<String> left = new HashSet<>();
            Set<String> right = new HashSet<>();
            for (String name : names) {
                int side = random.nextInt(3); // left, right, or cut off from both
                (side == 0 ? left : side == 1 ? right : new HashSet<String>()).add(name);
            }
            assertThat(Quorum.holds(table, left) && Quorum.holds(table, right))
                    .as("seed %d: %s and %s both hold a quorum of %d", seed, left, right, size).isFalse();
        }
    }
}
