package dev.slotgrid.hotkey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class SaltedKeyTest {

    @Test
    void shapes_growAndShrink_readingMaxOfOldAndNewUntilTrimmed() {
        SaltedKey v1 = SaltedKey.of("k", new int[] {10, 20});
        assertThat(v1.writeParts()).isEqualTo(2);
        SaltedKey v2 = v1.withWriteParts(4, new int[] {30, 40});
        assertThat(v2.writeParts()).isEqualTo(4);
        assertThat(v2.readParts()).isEqualTo(4);
        assertThat(v2.partSlot(3)).isEqualTo(40);
        SaltedKey v3 = v2.withWriteParts(1, new int[0]);
        assertThat(v3.writeParts()).isEqualTo(1);
        assertThat(v3.readParts()).as("max(old, new) until the old parts are folded").isEqualTo(4);
        SaltedKey v4 = v3.withReadPartsTrimmed();
        assertThat(v4.readParts()).isEqualTo(1);
        assertThat(v4.partCount()).isEqualTo(1);
        assertThat(v4.version()).isEqualTo(4);
        assertThatThrownBy(() -> v1.withWriteParts(3, new int[0])).hasMessageContaining("needs 1 new slots");
    }

    @Test
    void awaitWriters_returnsOnlyAfterEveryWriterLeft() throws Exception {
        SaltedKey salt = SaltedKey.of("k", new int[] {1});
        salt.enter();
        salt.enter();
        salt.leave();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
            started.countDown();
            salt.awaitWriters();
        });
        started.await(10, TimeUnit.SECONDS);
        Awaitility.await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !waiter.isDone());
        salt.leave();
        waiter.get(10, TimeUnit.SECONDS);
    }

    @Test
    void readsOverlappingAFold_areInvalid_acrossVersions() {
        SaltedKey v1 = SaltedKey.of("k", new int[] {1, 2});
        SaltedKey v2 = v1.withWriteParts(1, new int[0]);
        long stamp = v1.readStamp();
        assertThat(stamp).isNotNegative();
        v2.beginFold();
        assertThat(v1.readStamp()).as("a fold is under way").isNegative();
        v2.endFold();
        assertThat(v1.readValid(stamp)).as("the old version shares the fold sequence").isFalse();
        long after = v2.readStamp();
        assertThat(v1.readValid(after)).isTrue();
    }
}
