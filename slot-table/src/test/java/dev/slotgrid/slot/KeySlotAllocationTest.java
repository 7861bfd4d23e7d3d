package dev.slotgrid.slot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The slot of a key is computed on every operation, so it must not allocate. Counted with the JVM's
 * per-thread allocation counter (deterministic, unlike timing); the JMH keyslot benchmark reports
 * the same figure with {@code -prof gc}.
 */
class KeySlotAllocationTest {

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @Test
    void slotOfStringAndOtherKeys_allocatesNothing() {
        assumeTrue(((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .isThreadAllocatedMemoryEnabled());
        Crc16Partitioner crc16 = new Crc16Partitioner();
        Murmur3Partitioner murmur3 = new Murmur3Partitioner();
        String[] keys = {"user:1000", "{user1000}.following", "clé-été", "中文键", "emoji\uD83D\uDE00", ""};
        Object[] others = {123_456L, 42, UUID.fromString("01234567-89ab-cdef-fedc-ba9876543210"),
            new byte[] {'a', '{', 'b', '}'}};
        int sink = 0;
        for (int round = 0; round < 3; round++) {
            long before = allocatedBytes();
            for (int i = 0; i < 200_000; i++) {
                String key = keys[i % keys.length];
                sink += crc16.slotOf(key) + murmur3.slotOf(key) + KeySlot.of(key);
                sink += crc16.slotOf(others[i & 3]) + murmur3.slotOf(others[i & 3]);
            }
            long allocated = allocatedBytes() - before;
            if (round == 2) {
                // 1.2 million slot computations: anything per call would be megabytes.
                assertThat(allocated).as("bytes allocated by 1.2M slot computations (sink %d)", sink)
                        .isLessThan(16 * 1024);
            }
        }
    }
}
