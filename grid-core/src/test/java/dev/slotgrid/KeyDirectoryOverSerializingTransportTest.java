package dev.slotgrid;

import org.junit.jupiter.api.Test;

/** {@link KeyDirectoryTest} over the serializing binding: nothing crosses between members by reference. */
class KeyDirectoryOverSerializingTransportTest extends KeyDirectoryTest {

    @Override
    protected SlotGridBuilder builder() {
        return Bindings.serializing();
    }

    /**
     * Here {@code merge} runs on the caller (a {@code get}, then a conditional write), so the writers also
     * read the pinned key, and over this binding a table's publication takes long enough for those reads to
     * meet the pin's owner before it adopted the pin: see
     * {@link KeyDirectoryTest#aReadOfAPinnedKey_whileThePinsOwnerIsStillBehind_waitsForItInsteadOfGivingUp}.
     */
    @Override
    @Test
    void pinningAndUnpinningUnderConcurrentWrites_losesNothing() throws Exception {
        super.pinningAndUnpinningUnderConcurrentWrites_losesNothing();
    }
}
