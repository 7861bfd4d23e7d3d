package dev.slotgrid;

/** {@link GridMapSemanticsTest} over the network binding: every member behind its own loopback socket. */
class GridMapSemanticsOverNetworkTest extends GridMapSemanticsTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.network();
    }
}
