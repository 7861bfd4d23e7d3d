package dev.slotgrid;

/** {@link LocalIndexModelTest} over the network binding: every member behind its own loopback socket. */
class LocalIndexModelOverNetworkTest extends LocalIndexModelTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.network();
    }

    /** A fifth of the in-JVM writes around the index build: each is a loopback round trip here. */
    @Override
    protected long writesAroundTheBuild() {
        return super.writesAroundTheBuild() / 5;
    }
}
