package dev.slotgrid;

/** {@link NearCacheGridTest} over the network binding: every member behind its own loopback socket. */
class NearCacheGridOverNetworkTest extends NearCacheGridTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.network();
    }
}
