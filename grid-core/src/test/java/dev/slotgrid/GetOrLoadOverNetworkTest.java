package dev.slotgrid;

/** {@link GetOrLoadTest} over the network binding: every member behind its own loopback socket. */
class GetOrLoadOverNetworkTest extends GetOrLoadTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.network();
    }
}
