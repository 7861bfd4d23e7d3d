package dev.slotgrid;

/** {@link HotKeyPolicyTest} over the network binding: every member behind its own loopback socket. */
class HotKeyPolicyOverNetworkTest extends HotKeyPolicyTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.network();
    }
}
