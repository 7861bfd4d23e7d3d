package dev.slotgrid;

/** {@link GridMapSemanticsTest} over the serializing binding: nothing crosses between members by reference. */
class GridMapSemanticsOverSerializingTransportTest extends GridMapSemanticsTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.serializing();
    }
}
