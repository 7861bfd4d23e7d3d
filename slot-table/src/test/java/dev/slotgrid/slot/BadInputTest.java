package dev.slotgrid.slot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, "every bad input named": each public method of the slot table module rejects a bad
 * argument with an exception whose message names it (a bare {@code NullPointerException} with
 * message {@code null} fails these tests), and a rejected change leaves the table as it was.
 */
class BadInputTest {

    private static final List<NodeInfo> NODES = List.of(new NodeInfo(0, "a", 1), new NodeInfo(1, "b", 1));

    private final SlotTable table = SlotTable.initial(NODES);

    private static void rejects(ThrowingCallable call, Class<? extends Throwable> type, String message) {
        assertThatThrownBy(call).isInstanceOf(type).hasMessageContaining(message);
    }

    private static void rejectsNull(ThrowingCallable call, String message) {
        rejects(call, NullPointerException.class, message);
    }

    @Test
    void keySlotOfObject_null_isNamed() {
        rejectsNull(() -> KeySlot.of((Object) null), "key must not be null");
    }

    @Test
    void keySlotOfString_null_isNamed() {
        rejectsNull(() -> KeySlot.of((String) null), "key must not be null");
    }

    @Test
    void keySlotOfBytes_null_isNamed() {
        rejectsNull(() -> KeySlot.of((byte[]) null), "key must not be null");
    }

    @Test
    void crc16SlotOf_nullOrUnsupportedKey_isNamed() {
        Crc16Partitioner crc16 = new Crc16Partitioner();
        rejectsNull(() -> crc16.slotOf(null), "key must not be null");
        rejects(() -> crc16.slotOf(3.5d), IllegalArgumentException.class, "unsupported key type java.lang.Double");
    }

    @Test
    void murmur3SlotOf_nullOrUnsupportedKey_isNamed() {
        Murmur3Partitioner murmur3 = new Murmur3Partitioner();
        rejectsNull(() -> murmur3.slotOf(null), "key must not be null");
        rejects(() -> murmur3.slotOf(new Object()), IllegalArgumentException.class, "unsupported key type java.lang.Object");
    }

    @Test
    void nodeInfo_eachBadField_isNamed() {
        rejects(() -> new NodeInfo(-1, "a", 1), IllegalArgumentException.class, "node id must be in [0, 32767], was -1");
        rejectsNull(() -> new NodeInfo(0, null, 1), "node name must not be null");
        rejects(() -> new NodeInfo(0, " ", 1), IllegalArgumentException.class, "node name must not be blank");
        rejects(() -> new NodeInfo(0, "a", 0), IllegalArgumentException.class, "weight of node 'a' must be in [1, 65536]");
    }

    @Test
    void slotRange_badBounds_areNamed() {
        rejects(() -> new SlotRange(-1, 3), IllegalArgumentException.class, "bad slot range -1-3");
        rejects(() -> new SlotRange(5, 4), IllegalArgumentException.class, "bad slot range 5-4");
        rejects(() -> new SlotRange(0, 16384), IllegalArgumentException.class, "bad slot range 0-16384");
    }

    @Test
    void slotTableInitial_nullOrEmptyNodes_orNullNodeInside_isNamed() {
        rejectsNull(() -> SlotTable.initial(null), "nodes must not be null");
        assertThatThrownBy(() -> SlotTable.initial(Arrays.asList(NODES.get(0), null)))
                .isInstanceOf(NullPointerException.class).hasMessage("nodes must not contain null (at index 1)");
        rejects(() -> SlotTable.initial(List.of()), IllegalArgumentException.class, "at least one node");
    }

    @Test
    void initialLayout_nullOrEmptyNodes_orNullNodeInside_isNamed() {
        rejectsNull(() -> PlacementPlanner.initialLayout(null), "nodes must not be null");
        rejectsNull(() -> PlacementPlanner.initialLayout(Arrays.asList(null, NODES.get(1))),
                "nodes must not contain null (at index 0)");
        rejects(() -> PlacementPlanner.initialLayout(List.of()), IllegalArgumentException.class, "at least one node");
    }

    @Test
    void plan_nullCurrent_nullOrEmptyMembers_orNullMemberInside_isNamed() {
        rejectsNull(() -> PlacementPlanner.plan(null, NODES), "current must not be null");
        rejectsNull(() -> PlacementPlanner.plan(table, null), "members must not be null");
        assertThatThrownBy(() -> PlacementPlanner.plan(table, Arrays.asList(NODES.get(0), null)))
                .isInstanceOf(NullPointerException.class).hasMessage("members must not contain null (at index 1)");
        rejects(() -> PlacementPlanner.plan(table, List.of()), IllegalArgumentException.class, "at least one node");
    }

    @Test
    void withNode_nullOrTaken_isNamed() {
        rejectsNull(() -> table.withNode(null), "node must not be null");
        rejects(() -> table.withNode(new NodeInfo(1, "c", 1)), IllegalArgumentException.class, "two nodes have id 1");
        assertThat(table.nodes()).isEqualTo(NODES);
    }

    @Test
    void withoutNode_unknownId_isNamed() {
        rejects(() -> table.withoutNode(9), IllegalArgumentException.class, "no node with id 9");
    }

    @Test
    void withOwner_badSlotOrNode_isNamed() {
        rejects(() -> table.withOwner(-1, 0), IllegalArgumentException.class, "slot must be in [0, 16384), was -1");
        rejects(() -> table.withOwner(0, 9), IllegalArgumentException.class, "no node with id 9");
    }

    @Test
    void withMigration_badSlotOrNode_isNamed() {
        rejects(() -> table.withMigration(16384, 1), IllegalArgumentException.class, "slot must be in [0, 16384)");
        rejects(() -> table.withMigration(0, 9), IllegalArgumentException.class, "no node with id 9");
        assertThat(table.migrations()).isEmpty();
    }

    @Test
    void withoutMigration_slotNotInMotion_isNamed() {
        rejects(() -> table.withoutMigration(3), IllegalArgumentException.class, "slot 3 is not in motion");
    }

    @Test
    void withPin_nullKeyOrBadSlot_isNamed() {
        rejectsNull(() -> table.withPin(null, 3), "pinned key must not be null");
        rejects(() -> table.withPin("k", -1), IllegalArgumentException.class, "slot must be in [0, 16384)");
        assertThat(table.hasPins()).isFalse();
    }

    @Test
    void withoutPin_nullOrUnpinnedKey_isNamed() {
        rejectsNull(() -> table.withoutPin(null), "pinned key must not be null");
        rejects(() -> table.withoutPin("k"), IllegalArgumentException.class, "key k is not pinned");
    }

    @Test
    void withLayout_nullOrWrongLengthOrUnknownOwner_isNamed() {
        rejectsNull(() -> table.withLayout(null), "layout must not be null");
        rejects(() -> table.withLayout(new short[3]), IllegalArgumentException.class, "a layout has 16384 owners, not 3");
        short[] unknown = table.owners();
        unknown[5] = 9;
        rejects(() -> table.withLayout(unknown), IllegalArgumentException.class, "no node with id 9");
    }
}
