package dev.slotgrid.slot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SlotTableTest {

    private static final List<NodeInfo> THREE = List.of(
            new NodeInfo(0, "a", 1), new NodeInfo(1, "b", 1), new NodeInfo(2, "c", 1));

    @Test
    void initial_threeNodes_useRedisRanges() {
        SlotTable table = SlotTable.initial(THREE);
        assertThat(table.epoch()).isEqualTo(1);
        assertThat(table.rangesOf(0)).containsExactly(new SlotRange(0, 5460));
        assertThat(table.rangesOf(1)).containsExactly(new SlotRange(5461, 10922));
        assertThat(table.rangesOf(2)).containsExactly(new SlotRange(10923, 16383));
        assertThat(table.ownerOf(0)).isZero();
        assertThat(table.ownerOf(16383)).isEqualTo(2);
    }

    @Test
    void everyChange_yieldsANewTableWithAHigherEpoch_andLeavesTheOldOneAlone() {
        SlotTable t1 = SlotTable.initial(THREE);
        SlotTable t2 = t1.withOwner(0, 2);
        SlotTable t3 = t2.withNode(new NodeInfo(3, "d", 2));
        assertThat(t2.epoch()).isEqualTo(2);
        assertThat(t3.epoch()).isEqualTo(3);
        assertThat(t1.ownerOf(0)).isZero();
        assertThat(t2.ownerOf(0)).isEqualTo(2);
        assertThat(t1.nodes()).hasSize(3);
        assertThat(t3.nodes()).extracting(NodeInfo::name).containsExactly("a", "b", "c", "d");
        assertThat(t3.slotCount(3)).isZero();
        short[] copy = t3.owners();
        copy[5] = 3;
        assertThat(t3.ownerOf(5)).isZero();
    }

    @Test
    void aSuccessor_startsTheNextTerm_aboveEveryTableItsPredecessorCouldStillPublish() {
        SlotTable predecessor = SlotTable.initial(THREE).withOwner(0, 1).withOwner(1, 2); // epoch 3
        SlotTable successor = predecessor.successor();
        assertThat(successor.epoch()).isEqualTo(1L << SlotTable.TERM_BITS);
        assertThat(successor.owners()).isEqualTo(predecessor.owners());
        SlotTable zombie = predecessor;
        for (int i = 0; i < 1_000; i++) { // a frozen coordinator that thaws and publishes on before it steps down
            zombie = zombie.withOwner(i % 16384, i % 3);
        }
        assertThat(zombie.epoch()).isLessThan(successor.epoch());
        assertThat(successor.successor().epoch()).isEqualTo(2L << SlotTable.TERM_BITS);
        assertThat(successor.withOwner(5, 0).successor().epoch()).isEqualTo(2L << SlotTable.TERM_BITS);
    }

    @Test
    void badChanges_areRefusedWithAClearMessage() {
        SlotTable table = SlotTable.initial(THREE);
        assertThatThrownBy(() -> table.withoutNode(1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'b' still owns 5462 slots");
        assertThatThrownBy(() -> table.withOwner(16384, 1)).hasMessageContaining("slot must be in [0, 16384)");
        assertThatThrownBy(() -> table.withOwner(3, 9)).hasMessageContaining("no node with id 9");
        assertThatThrownBy(() -> table.withNode(new NodeInfo(1, "x", 1))).hasMessageContaining("two nodes have id 1");
        assertThatThrownBy(() -> table.withNode(new NodeInfo(7, "a", 1))).hasMessageContaining("distinct");
        assertThatThrownBy(() -> new NodeInfo(0, "w", 0)).hasMessageContaining("weight of node 'w'");
        assertThatThrownBy(() -> SlotTable.initial(List.of())).hasMessageContaining("at least one node");
    }

    @Test
    void withBackup_fillsTheFirstHole_orTakesTheRankOfTheCopyItReplaces_andRefusesWhatCannotHold() {
        SlotTable empty = ReplicaPlanner.plan(SlotTable.initial(THREE), THREE, 2).target();
        int slot = 0;
        int owner = empty.ownerOf(slot);
        int[] before = empty.replicas().backupsOf(slot);
        assertThat(before).hasSize(2);
        SlotTable dropped = empty.withoutBackup(slot, before[0]);
        assertThat(dropped.replicas().backupsOf(slot)).containsExactly(before[1]);
        assertThat(dropped.epoch()).isEqualTo(empty.epoch() + 1);
        assertThat(dropped.withoutBackup(slot, before[0])).isSameAs(dropped);

        SlotTable refilled = dropped.withBackup(slot, before[0], Replicas.NONE);
        assertThat(refilled.replicas().backupsOf(slot)).containsExactly(before[1], before[0]);
        SlotTable withD = empty.withNode(new NodeInfo(3, "d", 1));
        SlotTable moved = withD.withBackup(slot, 3, before[0]);
        assertThat(moved.replicas().backupsOf(slot)).containsExactly(3, before[1]);

        assertThatThrownBy(() -> withD.withBackup(slot, 3, Replicas.NONE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 2 backups already");
        assertThatThrownBy(() -> dropped.withBackup(slot, before[1], Replicas.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already holds a copy");
        assertThatThrownBy(() -> dropped.withBackup(slot, owner, Replicas.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be its backup");
        assertThatThrownBy(() -> dropped.withBackup(slot, 9, Replicas.NONE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withoutNode_removesAnEmptyNode() {
        SlotTable table = SlotTable.initial(THREE).withNode(new NodeInfo(3, "d", 1));
        SlotTable smaller = table.withoutNode(3);
        assertThat(smaller.nodes()).hasSize(3);
        assertThat(smaller.epoch()).isEqualTo(table.epoch() + 1);
        assertThat(smaller.node(3)).isNull();
    }

    @Test
    void migrationMarks_nameSourceAndTarget_andEndWithTheHandover() {
        SlotTable table = SlotTable.initial(THREE);
        SlotTable marked = table.withMigration(7, 2);
        assertThat(marked.epoch()).isEqualTo(table.epoch() + 1);
        assertThat(marked.ownerOf(7)).as("ownership does not change yet").isZero();
        assertThat(marked.migratingTo(7)).isEqualTo(2);
        assertThat(marked.importingFrom(7)).isZero();
        assertThat(marked.migrations()).containsOnlyKeys(7);
        assertThat(table.migratingTo(7)).isEqualTo(-1);
        assertThatThrownBy(() -> marked.withMigration(7, 1)).hasMessageContaining("slot 7 is already in motion");
        assertThatThrownBy(() -> table.withMigration(7, 0)).hasMessageContaining("node 0 already owns slot 7");
        SlotTable toEmptyNode = table.withNode(new NodeInfo(3, "d", 1)).withMigration(9, 3);
        assertThatThrownBy(() -> toEmptyNode.withoutNode(3)).hasMessageContaining("'d' is the target of the migration of slot 9");
        assertThatThrownBy(() -> marked.withLayout(marked.owners())).hasMessageContaining("while slots are in motion");

        SlotTable handedOver = marked.withOwner(7, 2);
        assertThat(handedOver.ownerOf(7)).isEqualTo(2);
        assertThat(handedOver.migrations()).isEmpty();
        SlotTable cancelled = marked.withoutMigration(7);
        assertThat(cancelled.ownerOf(7)).isZero();
        assertThat(cancelled.migrations()).isEmpty();
        assertThatThrownBy(() -> cancelled.withoutMigration(7)).hasMessageContaining("slot 7 is not in motion");
    }

    @Test
    void pins_formADirectoryVersionedByTheEpoch_andSurviveOtherChanges() {
        SlotTable table = SlotTable.initial(THREE);
        assertThat(table.hasPins()).isFalse();
        assertThat(table.pinnedSlot("k", 42)).isEqualTo(42);
        SlotTable pinned = table.withPin("k", 7);
        assertThat(pinned.epoch()).isEqualTo(table.epoch() + 1);
        assertThat(pinned.pinnedSlot("k", 42)).isEqualTo(7);
        assertThat(pinned.pinnedSlot("other", 42)).isEqualTo(42);
        SlotTable moved = pinned.withOwner(7, 2).withNode(new NodeInfo(3, "d", 1)).withMigration(9, 3).withoutMigration(9);
        assertThat(moved.pins()).containsEntry("k", 7);
        SlotTable unpinned = moved.withoutPin("k");
        assertThat(unpinned.hasPins()).isFalse();
        assertThatThrownBy(() -> unpinned.withoutPin("k")).hasMessageContaining("is not pinned");
        assertThatThrownBy(() -> table.withPin("k", 16384)).hasMessageContaining("slot must be in");
    }
}
