package dev.slotgrid;

/** {@link LocalIndexModelTest} over the serializing binding: nothing crosses between members by reference. */
class LocalIndexModelOverSerializingTransportTest extends LocalIndexModelTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.serializing();
    }
}
