package dev.slotgrid.slot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slotgrid.spi.RoutingKey;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeySlotTest {

    /** Bit-by-bit CRC16/XMODEM, written independently of the table-driven one under test. */
    static int referenceCrc16(byte[] bytes) {
        int crc = 0;
        for (byte b : bytes) {
            crc ^= (b & 0xFF) << 8;
            for (int i = 0; i < 8; i++) {
                crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x1021) & 0xFFFF : (crc << 1) & 0xFFFF;
            }
        }
        return crc;
    }

    /** The Redis Cluster specification's keyHashSlot, transcribed over bytes. */
    static int referenceSlot(byte[] key) {
        int s;
        for (s = 0; s < key.length; s++) {
            if (key[s] == '{') {
                break;
            }
        }
        if (s == key.length) {
            return referenceCrc16(key) & 16383;
        }
        int e;
        for (e = s + 1; e < key.length; e++) {
            if (key[e] == '}') {
                break;
            }
        }
        if (e == key.length || e == s + 1) {
            return referenceCrc16(key) & 16383;
        }
        byte[] tag = java.util.Arrays.copyOfRange(key, s + 1, e);
        return referenceCrc16(tag) & 16383;
    }

    static int referenceSlot(String key) {
        return referenceSlot(key.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void crc16_ofCheckString_is0x31C3() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(Crc16.of(check, 0, check.length)).isEqualTo(0x31C3);
        assertThat(referenceCrc16(check)).isEqualTo(0x31C3);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        // From the Redis documentation: CLUSTER KEYSLOT and the cluster tutorial's redirects.
        "somekey|11058",
        "foo{hash_tag}|2515",
        "foo|12182",
        "hello|866",
    })
    void keySlot_matchesRedisDocumentedValues(String key, int slot) {
        assertThat(KeySlot.of(key)).isEqualTo(slot);
        assertThat(KeySlot.of(key.getBytes(StandardCharsets.UTF_8))).isEqualTo(slot);
    }

    @Test
    void hashTags_followTheClusterSpecification() {
        assertThat(KeySlot.of("{user1000}.following")).isEqualTo(KeySlot.of("{user1000}.followers"))
                .isEqualTo(KeySlot.of("user1000"));
        // empty tag: the whole key is hashed
        assertThat(KeySlot.of("foo{}{bar}")).isEqualTo(referenceCrc16("foo{}{bar}".getBytes()) & 16383)
                .isNotEqualTo(KeySlot.of("bar"));
        // the tag runs to the first '}' after the first '{'
        assertThat(KeySlot.of("foo{{bar}}zap")).isEqualTo(KeySlot.of("{bar"));
        // only the first tag counts
        assertThat(KeySlot.of("foo{bar}{zap}")).isEqualTo(KeySlot.of("bar"));
        // an unclosed tag hashes the whole key
        assertThat(KeySlot.of("foo{bar")).isEqualTo(referenceCrc16("foo{bar".getBytes()) & 16383);
        // '}' before '{' is not a tag
        assertThat(KeySlot.of("}bar{")).isEqualTo(referenceCrc16("}bar{".getBytes()) & 16383);
    }

    @Test
    void emptyKey_isSlotZero() {
        assertThat(KeySlot.of("")).isZero();
        assertThat(KeySlot.of(new byte[0])).isZero();
    }

    @Test
    void randomStrings_matchTheReferenceOverUtf8Bytes() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        char[] alphabet = {'a', 'z', '{', '}', '0', 'é', 'ß', '€', '中', '\uD83D', '\uDE00', '\uDBFF', '\uDC00', '\u0000',
            '\u007F', '\u0080', '\u07FF', '\u0800', '\uFFFF', ' '};
        for (int n = 0; n < 50_000; n++) {
            int length = random.nextInt(24);
            StringBuilder sb = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                sb.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x10000) : alphabet[random.nextInt(alphabet.length)]);
            }
            String key = sb.toString();
            assertThat(KeySlot.of(key)).as("seed %d key %s", seed, key).isEqualTo(referenceSlot(key));
            assertThat(KeySlot.of((Object) key)).as("seed %d", seed).isEqualTo(referenceSlot(key));
        }
    }

    @Test
    void randomAsciiStrings_ofEveryLength_matchTheReference() {
        assertThat(Crc16.ofAscii("123456789", 0, 9)).isEqualTo(0x31C3);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int n = 0; n < 20_000; n++) {
            char[] chars = new char[random.nextInt(100)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = (char) random.nextInt(0x80);
            }
            String key = new String(chars);
            assertThat(KeySlot.of(key)).as("seed %d key %s", seed, key).isEqualTo(referenceSlot(key));
        }
    }

    @Test
    void randomBytes_matchTheReference() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int n = 0; n < 50_000; n++) {
            byte[] key = new byte[random.nextInt(20)];
            for (int i = 0; i < key.length; i++) {
                int r = random.nextInt(6);
                key[i] = r == 0 ? (byte) '{' : r == 1 ? (byte) '}' : (byte) random.nextInt(256);
            }
            assertThat(KeySlot.of(key)).as("seed %d", seed).isEqualTo(referenceSlot(key));
        }
    }

    @Test
    void longKeys_beyondTheScratchBuffer_matchTheReference() {
        String big = "é".repeat(100_000) + "{tag}";
        assertThat(KeySlot.of(big)).isEqualTo(KeySlot.of("tag"));
        String bigNoTag = "中".repeat(50_000);
        assertThat(KeySlot.of(bigNoTag)).isEqualTo(referenceSlot(bigNoTag));
    }

    @Test
    void boxedIntegers_hashAsTheirDecimalText() {
        long[] values = {0, 1, -1, 7, 42, 123_456_789, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MIN_VALUE};
        for (long v : values) {
            assertThat(KeySlot.of((Object) v)).as("%d", v).isEqualTo(KeySlot.of(Long.toString(v)));
        }
        assertThat(KeySlot.of((Object) 42)).isEqualTo(KeySlot.of("42"));
        assertThat(KeySlot.of((Object) (short) -7)).isEqualTo(KeySlot.of("-7"));
        assertThat(KeySlot.of((Object) (byte) 100)).isEqualTo(KeySlot.of("100"));
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            long v = random.nextLong() >> random.nextInt(64);
            assertThat(KeySlot.of((Object) v)).isEqualTo(KeySlot.of(Long.toString(v)));
        }
    }

    @Test
    void uuid_hashesAsItsCanonicalText() {
        for (int i = 0; i < 1_000; i++) {
            UUID id = UUID.randomUUID();
            assertThat(KeySlot.of(id)).isEqualTo(KeySlot.of(id.toString()));
        }
        UUID fixed = new UUID(0x0123456789abcdefL, 0xfedcba9876543210L);
        assertThat(KeySlot.of(fixed)).isEqualTo(KeySlot.of("01234567-89ab-cdef-fedc-ba9876543210"));
    }

    record TenantKey(String tenant, long id) implements RoutingKey {
        @Override
        public String routingKey() {
            return "{" + tenant + "}:" + id;
        }
    }

    @Test
    void routingKey_hashesItsRoutingText() {
        assertThat(KeySlot.of(new TenantKey("acme", 1))).isEqualTo(KeySlot.of("acme"))
                .isEqualTo(KeySlot.of(new TenantKey("acme", 2)));
    }

    @Test
    void routingKey_returningNull_isAClearError() {
        RoutingKey bad = () -> null;
        assertThatThrownBy(() -> KeySlot.of(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("routingKey()").hasMessageContaining("returned null");
    }

    @Test
    void unsupportedKeyType_namesTheTypeAndTheWayOut() {
        assertThatThrownBy(() -> KeySlot.of(BigInteger.ONE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.math.BigInteger").hasMessageContaining("RoutingKey");
        assertThatThrownBy(() -> KeySlot.of(3.5d)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Double");
        assertThatThrownBy(() -> KeySlot.of((Object) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("key");
    }

    @Test
    void murmur3_honoursTagsAndDiffersFromCrc16() {
        Murmur3Partitioner murmur = new Murmur3Partitioner();
        assertThat(murmur.slotOf("{user1000}.following")).isEqualTo(murmur.slotOf("user1000"));
        int differ = 0;
        for (int i = 0; i < 1000; i++) {
            int slot = murmur.slotOf("key:" + i);
            assertThat(slot).isBetween(0, 16383);
            assertThat(murmur.slotOf(("key:" + i).getBytes(StandardCharsets.UTF_8))).isEqualTo(slot);
            if (slot != KeySlot.of("key:" + i)) {
                differ++;
            }
        }
        assertThat(differ).isGreaterThan(990);
    }

    @Test
    void murmur3_matchesPublishedVectors() {
        // MurmurHash3_x86_32 with seed 0, from the SMHasher reference implementation.
        assertThat(Murmur3.of(new byte[0], 0, 0)).isEqualTo(0);
        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
        assertThat(Murmur3.of(hello, 0, hello.length)).isEqualTo(0x248bfa47);
        byte[] fox = "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.US_ASCII);
        assertThat(Murmur3.of(fox, 0, fox.length)).isEqualTo(0x2e4ff723);
    }
}
