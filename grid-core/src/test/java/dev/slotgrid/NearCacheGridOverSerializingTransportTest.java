package dev.slotgrid;

/** {@link NearCacheGridTest} over the serializing binding: nothing crosses between members by reference. */
class NearCacheGridOverSerializingTransportTest extends NearCacheGridTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.serializing();
    }
}
