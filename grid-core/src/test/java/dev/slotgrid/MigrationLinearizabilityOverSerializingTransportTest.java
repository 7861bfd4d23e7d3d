package dev.slotgrid;

/** {@link MigrationLinearizabilityTest} over the serializing binding: nothing crosses between members by reference. */
class MigrationLinearizabilityOverSerializingTransportTest extends MigrationLinearizabilityTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.serializing();
    }

    /**
     * A tenth of the in-JVM scenarios, at least one: each migration here ships its slot's 3,000 ballast
     * entries through the codec and publishes two tables to both members. Still hundreds of
     * handovers during the operations (the test asserts more than 100).
     */
    @Override
    protected int iterations() {
        return Math.max(1, super.iterations() / 10);
    }
}
