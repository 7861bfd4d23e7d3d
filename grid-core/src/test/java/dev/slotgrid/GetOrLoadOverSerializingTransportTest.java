package dev.slotgrid;

/** {@link GetOrLoadTest} over the serializing binding: nothing crosses between members by reference. */
class GetOrLoadOverSerializingTransportTest extends GetOrLoadTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.serializing();
    }
}
