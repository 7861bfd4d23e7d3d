package dev.slotgrid;

/** {@link IndexQueryTest} over the network binding: every member behind its own loopback socket. */
class IndexQueryOverNetworkTest extends IndexQueryTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.network();
    }
}
