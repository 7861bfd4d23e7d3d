package dev.slotgrid;

/** {@link GlobalIndexModelTest} over the network binding: every member behind its own loopback socket. */
class GlobalIndexModelOverNetworkTest extends GlobalIndexModelTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.network();
    }
}
