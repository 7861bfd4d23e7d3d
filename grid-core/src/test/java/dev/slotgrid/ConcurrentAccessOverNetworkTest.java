package dev.slotgrid;

/** {@link ConcurrentAccessTest} over the network binding: every member behind its own loopback socket. */
class ConcurrentAccessOverNetworkTest extends ConcurrentAccessTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.network();
    }
}
