package dev.slotgrid;

/** {@link LiveMigrationModelTest} over the serializing binding: nothing crosses between members by reference. */
class LiveMigrationModelOverSerializingTransportTest extends LiveMigrationModelTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.serializing();
    }
}
