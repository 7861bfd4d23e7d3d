package dev.slotgrid;

/** {@link IndexQueryTest} over the serializing binding: nothing crosses between members by reference. */
class IndexQueryOverSerializingTransportTest extends IndexQueryTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.serializing();
    }
}
