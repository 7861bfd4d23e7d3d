package dev.slotgrid;

/** {@link MembershipUnderLoadTest} over the serializing binding: nothing crosses between members by reference. */
class MembershipUnderLoadOverSerializingTransportTest extends MembershipUnderLoadTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.serializing();
    }
}
