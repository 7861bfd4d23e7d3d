package dev.slotgrid;

/** {@link HotKeyPolicyTest} over the serializing binding: nothing crosses between members by reference. */
class HotKeyPolicyOverSerializingTransportTest extends HotKeyPolicyTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.serializing();
    }
}
