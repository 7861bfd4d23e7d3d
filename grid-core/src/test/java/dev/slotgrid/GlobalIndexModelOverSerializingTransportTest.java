package dev.slotgrid;

/** {@link GlobalIndexModelTest} over the serializing binding: nothing crosses between members by reference. */
class GlobalIndexModelOverSerializingTransportTest extends GlobalIndexModelTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.serializing();
    }
}
