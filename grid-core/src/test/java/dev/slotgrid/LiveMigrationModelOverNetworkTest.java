package dev.slotgrid;

/** {@link LiveMigrationModelTest} over the network binding: every member behind its own loopback socket. */
class LiveMigrationModelOverNetworkTest extends LiveMigrationModelTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.network();
    }

    /** A fifth of the in-JVM operations between the membership changes: each is a loopback round trip here. */
    @Override
    protected long opsBetweenChanges() {
        return super.opsBetweenChanges() / 5;
    }
}
