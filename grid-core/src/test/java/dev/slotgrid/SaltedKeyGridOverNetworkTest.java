package dev.slotgrid;

/** {@link SaltedKeyGridTest} over the network binding: every member behind its own loopback socket. */
class SaltedKeyGridOverNetworkTest extends SaltedKeyGridTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.network();
    }

    /** A tenth of the in-JVM writes: a call here costs a loopback round trip and four copies. */
    @Override
    protected int writesPerWriter(int inJvm) {
        return inJvm / 10;
    }
}
