package dev.slotgrid;

/** {@link KeyDirectoryTest} over the network binding: every member behind its own loopback socket. */
class KeyDirectoryOverNetworkTest extends KeyDirectoryTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.network();
    }
}
