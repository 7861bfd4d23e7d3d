package dev.slotgrid;

/** {@link FailoverModelTest} over loopback sockets: the replication batches cross the data plane's codec. */
class FailoverModelOverNetworkTest extends FailoverModelTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.network();
    }
}
