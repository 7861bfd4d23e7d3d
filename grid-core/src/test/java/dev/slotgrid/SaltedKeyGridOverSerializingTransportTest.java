package dev.slotgrid;

/** {@link SaltedKeyGridTest} over the serializing binding: nothing crosses between members by reference. */
class SaltedKeyGridOverSerializingTransportTest extends SaltedKeyGridTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.serializing();
    }

    /** A fifth of the in-JVM writes: a call here costs two thread handoffs and four copies. */
    @Override
    protected int writesPerWriter(int inJvm) {
        return inJvm / 5;
    }
}
