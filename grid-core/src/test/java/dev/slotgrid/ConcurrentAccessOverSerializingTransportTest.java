package dev.slotgrid;

/** {@link ConcurrentAccessTest} over the serializing binding: nothing crosses between members by reference. */
class ConcurrentAccessOverSerializingTransportTest extends ConcurrentAccessTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.serializing();
    }
}
