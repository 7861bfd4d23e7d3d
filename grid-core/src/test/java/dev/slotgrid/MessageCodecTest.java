package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.slotgrid.hotkey.HotKey;
import dev.slotgrid.slot.Move;
import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.ReplicaPlanner;
import dev.slotgrid.slot.SlotTable;
import dev.slotgrid.spi.Codec;
import dev.slotgrid.spi.CodecException;
import dev.slotgrid.spi.Codecs;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The wire form of the grid's own messages ({@link MessageCodec}): every request, reply and payload
 * record round-trips with its values; a request that carries a reference is refused; malformed
 * input of any kind is a {@link CodecException} and nothing else; a key or value the codecs cannot
 * encode is named.
 */
class MessageCodecTest {

    /**
     * The codecs of the serializing test runs. They allow {@code java.time} for {@link IndexStats.Node},
     * whose {@code Duration} the message codec hands to the user's codecs (an issue-12 bug:
     * {@link #indexStatsNode_roundTripsWithTheDefaultCodecs}).
     */
    private static final MessageCodec CODEC = new MessageCodec(Bindings.TEST_CODECS);

    private static final NodeInfo A = new NodeInfo(0, "node-a", 1);
    private static final NodeInfo B = new NodeInfo(1, "node-b", 3);
    private static final NodeInfo C = new NodeInfo(2, "nœud-ç", 2);

    /** A table with nodes of different weights, a migration and a pin, so that every part of it is non-trivial. */
    private static SlotTable table() {
        SlotTable table = SlotTable.initial(List.of(A, B, C));
        int slot = 777;
        table = table.withMigration(slot, (table.ownerOf(slot) + 1) % 3);
        table = table.withPin(new KeyDirectory.PinnedKey(4, "hot"), 12_000).withPin(new KeyDirectory.PinnedKey(5,
                ByteArrayKey.wrapping(new byte[] {9, 8, 7})), 3);
        return ReplicaPlanner.plan(table, List.of(A, B, C), 2).target();
    }

    private static final Object BYTES_KEY = ByteArrayKey.wrapping(new byte[] {0, -1, 127, -128, 42});
    private static final UUID ID = new UUID(0x0123_4567_89ab_cdefL, 0xfedc_ba98_7654_3210L);
    private static final IndexRef REF = new IndexRef("base-key", 9_999);
    private static final IndexDefinition UNIQUE = IndexDefinition.global("by-email", "email").asUnique();
    private static final IndexDefinition LOCAL = IndexDefinition.local("by-city", "city");
    private static final IndexCondition IN = IndexCondition.in(List.of("Oslo", "Lima", 3L));
    private static final IndexCondition RANGE = IndexCondition.range(18, true, 65, false);

    /** One instance of every record the codec carries, each with values other than defaults; see {@link #everyRecordAndEnum_hasASample}. */
    static List<Object> samples() {
        List<Object> all = new ArrayList<>();
        // KeyRequest, with keys and values of every built-in kind
        all.add(new KeyRequest.Get(3, 16_383, 7L, "ключ", KeyRequest.PIN_ROUTED));
        all.add(new KeyRequest.ContainsKey(1, 0, Long.MAX_VALUE, BYTES_KEY, 0));
        all.add(new KeyRequest.Put(2, 100, 12L, 42L, KeyRequest.INTERNAL, "value with \u0000 and \uD83D\uDE00"));
        all.add(new KeyRequest.PutIfAbsent(2, 101, 13L, 7, 0, new BigInteger("123456789012345678901234567890")));
        all.add(new KeyRequest.Replace(2, 102, 14L, ID, 0, 3.25d));
        all.add(new KeyRequest.ReplaceIfEquals(2, 103, 15L, "k", KeyRequest.PINS_IGNORED, "old", "new"));
        all.add(new KeyRequest.Remove(2, 104, 16L, (short) 5, 0));
        all.add(new KeyRequest.RemoveIfEquals(2, 105, 17L, (byte) 6, 0, new byte[] {1, 2, 3}));
        all.add(new KeyRequest.MergeNamed(2, 106, 18L, "counter", 0, 5L, "long-sum"));
        all.add(new KeyRequest.Invoke(2, 107, 19L, "k", 0, "test-add", 10L));
        all.add(new KeyRequest.Invoke(2, 107, 19L, "k", 0, "test-add", null));
        // IndexKeyRequest and their payloads
        all.add(new IndexKeyRequest.Reconcile(8, 200, 20L, "base", KeyRequest.INTERNAL, 201, "old|1", "new|2"));
        all.add(new IndexKeyRequest.SetIndexEntry(9, 300, 21L, new GlobalPair("Oslo", REF), KeyRequest.INTERNAL, REF, true,
                false));
        all.add(new IndexKeyRequest.ClaimUnique(9, 301, 22L, "ann@x.org", 0, 4, 8, REF, true));
        all.add(new IndexKeyRequest.ClaimOutcome(IndexKeyRequest.ClaimOutcome.HELD, REF));
        all.add(new IndexKeyRequest.ConfirmClaim(9, 302, 23L, "ann@x.org", 0, REF));
        all.add(new IndexKeyRequest.ReleaseClaim(9, 303, 24L, "bob@x.org", 0, new IndexRef(BYTES_KEY, 1)));
        all.add(new IndexKeyRequest.Holders(List.of(REF, new IndexRef(77L, 5))));
        all.add(new IndexKeyRequest.IndexHolders(9, 304, 25L, "Lima", 0, true));
        // BatchRequest
        all.add(new BatchRequest.GetBatch(3, 26L, new int[] {1, 5, 16_000}, new Object[] {"a", BYTES_KEY, 9L}));
        all.add(new BatchRequest.PutBatch(3, 27L, new int[] {2, 6}, new Object[] {"b", ID}, new Object[] {"x", 1}));
        // ControlRequest
        all.add(new ControlRequest.PublishTable(table()));
        all.add(new ControlRequest.DefineMap(11, "orders"));
        all.add(new ControlRequest.Leave());
        all.add(new ControlRequest.StatsQuery());
        all.add(new ControlRequest.CountEntries(12));
        all.add(new ControlRequest.SlotEntryCount(13));
        all.add(new ControlRequest.EmptySlots());
        all.add(new ControlRequest.Slots(new int[] {0, 3, 16_383}));
        // MigrationRequest
        all.add(new MigrationRequest.PrepareImport(400, 2));
        all.add(new MigrationRequest.BeginMigrating(401, 1));
        all.add(new MigrationRequest.ShipSnapshot(402, 256));
        all.add(new MigrationRequest.ShipChanges(403, Integer.MAX_VALUE));
        all.add(new MigrationRequest.ImportEntries(404, 3, new Object[] {"k1", BYTES_KEY, 3L},
                new Object[] {"v1", null, new byte[] {5, 6}}));
        all.add(new MigrationRequest.SealOutgoing(405, TimeUnit.SECONDS.toNanos(30)));
        all.add(new MigrationRequest.Activate(406, 28L));
        all.add(new MigrationRequest.Forward(407, 2, 29L));
        all.add(new MigrationRequest.DropForwarded(408));
        all.add(new MigrationRequest.CancelOutgoing(409));
        all.add(new MigrationRequest.AbortImport(410));
        all.add(new MigrationRequest.Shipped(256, true, 17));
        // IndexRequest and their payloads
        all.add(new IndexRequest.IndexSpec(5, 8, "people", UNIQUE, 9, true));
        all.add(new IndexRequest.InstallIndexes(8, List.of(new IndexRequest.IndexSpec(5, 8, "people", UNIQUE, 9, true),
                new IndexRequest.IndexSpec(6, 8, "people", LOCAL, -1, false))));
        all.add(new IndexRequest.AwaitWritersOutside(TimeUnit.MINUTES.toNanos(5)));
        all.add(new IndexRequest.BuildLocal(6, 8));
        all.add(new IndexRequest.BuildGlobal(5, 8, new int[] {1, 2, 3, 4}));
        all.add(new IndexRequest.BuildReport(2, List.of("ann@x.org held by u1 and u2"), new int[] {44}));
        all.add(new IndexRequest.OutboxPosition());
        all.add(new IndexRequest.AwaitOutbox(1_000_000L, 99L));
        all.add(new IndexRequest.OutboxStats());
        all.add(new IndexRequest.VerifyLocalPart(6, 8, new int[] {7, 8}));
        all.add(new IndexRequest.LocalVerification(100, 120, 1, 2, List.of("k3 missing"), new int[] {9}));
        all.add(new IndexRequest.GlobalEntriesPart(5, 8, 9, new int[] {10, 11}));
        all.add(new IndexRequest.GlobalEntries(50, List.of(new GlobalPair("Oslo", REF)), List.of(), 3, new int[0]));
        all.add(new IndexStats.Node("node-b", 12, Duration.ofMillis(1500).plusNanos(7), 1_000, 1, 4));
        all.add(UNIQUE);
        all.add(IN);
        all.add(RANGE);
        all.add(REF);
        all.add(new GlobalPair(BYTES_KEY, REF));
        all.add(new GlobalEntry(REF, true));
        // QueryRequest
        QueryRequest.QuerySpec spec = new QueryRequest.QuerySpec(8, 6, RANGE, true, 25);
        all.add(spec);
        all.add(new QueryRequest.QuerySpec(8, -1, null, false, Integer.MAX_VALUE));
        all.add(new QueryRequest.ScanFragment(spec, new int[] {0, 1, 2}, 5_000_000L));
        all.add(new QueryRequest.Fragment(List.of("k1", BYTES_KEY), List.of("v1", 2L), 2, 3, new int[] {2}, true));
        // HotKeyRequest
        all.add(new HotKeyRequest.TopKeys(10));
        all.add(new HotKeyRequest.HotKeys(List.of(new HotKey(3, "celebrity", 12_345.5, 0.5, 0.25),
                new HotKey(4, BYTES_KEY, 1, 1, 1))));
        all.add(new HotKey(7, ID, 99.5, 0.75, 0));
        all.add(new HotKeyRequest.DeclareMerger(3, "set-union"));
        all.add(new HotKeyRequest.SetNearCached(3, "star", true));
        all.add(new HotKeyRequest.InvalidateNear(3, 12L));
        all.add(new HotKeyRequest.SaltChange(3, "likes", HotKeyRequest.SaltChange.WRITE_PARTS, 4, new int[] {5, 6, 7, 8}));
        all.add(new HotKeyRequest.SaltFold(3, "likes", true));
        all.add(new HotKeyRequest.Counters());
        all.add(new HotKeyRequest.HotKeyCounts(1, 2, 3, 4, 5, 6));
        all.add(new SaltPart("likes", 3));
        all.add(new SaltPart(BYTES_KEY, 0));
        // DirectoryRequest
        all.add(new DirectoryRequest.SealForKeyMove(500, 3, "hot", 1_000L));
        all.add(new DirectoryRequest.SealedValue(true, "value"));
        all.add(new DirectoryRequest.SealedValue(false, null));
        all.add(new ReplicaRequest.Apply(700, 2, 1L << 20, 41, new int[] {3, 3, 4}, new Object[] {"k1", BYTES_KEY, 7L},
                new Object[] {"v1", null, 12L}, true, false, 1L << 34));
        all.add(new ReplicaRequest.Apply(701, 2, 7, 0, new int[0], new Object[0], new Object[0], false, true, -1));
        all.add(new ReplicaRequest.Copy(702, 4, 1L << 33));
        all.add(new ReplicaRequest.StopCopy(702, 4));
        all.add(new ReplicaRequest.Retired(702, 1L << 33));
        all.add(new ReplicaRequest.Refused(700, 5, "owner epoch 3 is older than 5, the stream this copy follows"));
        all.add(new DirectoryRequest.UnsealAfterKeyMove(500, 31L));
        all.add(new KeyDirectory.PinnedKey(3, "hot"));
        // replies and the remaining payloads
        all.add(new Reply.Moved(600, -1, 32L));
        all.add(new Reply.TryAgain(601));
        all.add(new Reply.Fenced(602, 33L));
        all.add(Reply.Failure.of(new IllegalStateException("boom")));
        all.add(Reply.Failure.of(new UniqueIndexViolationException("taken", "by-email", "ann@x.org")));
        all.add(new Reply.Reroute());
        all.add(new MemberStats(1, "node-b", new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 1_000, 5_461, 3, 4, 5, 6, 2,
                new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}));
        all.add(A);
        all.add(C);
        all.add(new Move(700, 0, 2));
        all.addAll(List.of(OpType.values()));
        all.addAll(List.of(IndexKind.values()));
        // CoordinatorRequest: a clustered member asks the coordinator; and the coordinator's replies
        all.add(new CoordinatorRequest.Admit(C, SlotTable.initial(List.of(A, B)))); // no pins: their order is free
        all.add(new CoordinatorRequest.AssignMapId("orders", false));
        all.add(new CoordinatorRequest.LatestTable());
        all.add(new CoordinatorRequest.FoldBack(3, "celebrity"));
        all.add(new CoordinatorRequest.AddIndex("people", UNIQUE));
        all.add(new CoordinatorRequest.Migrate(4000, 2));
        all.add(new CoordinatorRequest.CancelMigration(4001));
        all.add(new CoordinatorRequest.MigrationCounters());
        all.add(new CoordinatorRequest.MigrationCounts(1, 2, 3, 4, 5, 6, 7.5, 8, 9, 10, 11, 12));
        all.add(new CoordinatorRequest.Rebalance());
        all.add(new CoordinatorRequest.DeclareMergeable(3, "long-sum"));
        all.add(new CoordinatorRequest.NearCache(3, "star", true));
        all.add(new CoordinatorRequest.Salt(3, "likes", 4));
        all.add(new CoordinatorRequest.Pin(3, BYTES_KEY, 77, 1));
        all.add(new CoordinatorRequest.Unpin(3, "k", 78));
        all.add(new CoordinatorRequest.HotKeyStatsQuery());
        all.add(new CoordinatorRequest.IndexStatsQuery());
        all.add(new CoordinatorRequest.VerifyIndex("people", "by-email"));
        all.add(new CoordinatorRequest.Leave(2));
        all.add(new CoordinatorRequest.AcknowledgeLost());
        all.add(new CoordinatorRequest.MemberState());
        all.add(new CoordinatorRequest.LeaseProbe("b", 1));
        all.add(new CoordinatorRequest.NotCoordinator(0));
        all.add(new CoordinatorRequest.MemberView(SlotTable.initial(List.of(new NodeInfo(0, "a", 1))), "a"));
        all.add(new CoordinatorRequest.MemberView(null, null));
        all.add(new HotKeyStats(List.of(new HotKeyReport("node-a", "likes", "celebrity", 1_000.5, 0.5, 0.9, "salted")),
                List.of(new HotKeyAction(1_700_000_000_000L, HotKeyAction.Type.NEAR_CACHE_ON, "likes", "celebrity",
                        "read-hot", true)), 1, 2, 3, 4, 5, 6, 7, 8));
        all.addAll(List.of(HotKeyAction.Type.values()));
        all.add(new HotKeyReport("node-b", "views", 42L, 10.0, 0.1, 0.5, "near-cached"));
        all.add(new HotKeyAction(1L, HotKeyAction.Type.DETECTED, "views", 42L, "", false));
        all.add(new IndexVerification("people", "by-email", IndexKind.GLOBAL, 10, 9, 1, 0, 0, List.of("k1")));
        return all;
    }

    /** Requests that carry a caller's function by reference: in-JVM only. */
    static List<Request> inProcess() {
        QueryRequest.QuerySpec spec = new QueryRequest.QuerySpec(8, -1, null, false, 10);
        return List.of(new KeyRequest.Compute(1, 2, 3L, "k", 0, (k, v) -> v),
                new KeyRequest.ComputeIfAbsent(1, 2, 3L, "k", 0, k -> "v"),
                new KeyRequest.ComputeIfPresent(1, 2, 3L, "k", 0, (k, v) -> null),
                new KeyRequest.Merge(1, 2, 3L, "k", 0, "v", (a, b) -> a),
                new QueryRequest.ScanFragmentWithFunctions(spec, new int[] {1}, 1_000L, (k, v) -> true,
                        Comparator.comparing(Object::toString)));
    }

    /** Every type the codec carries: its own list, read once by reflection (it is the codec's private state). */
    @SuppressWarnings("unchecked")
    private static List<Class<?>> codecTypes() throws ReflectiveOperationException {
        Field types = MessageCodec.class.getDeclaredField("types");
        types.setAccessible(true);
        return (List<Class<?>>) types.get(CODEC);
    }

    // ================================================================ round trips

    /**
     * Decodes what was encoded and compares it, deeply (arrays by content), with the original; re-encodes
     * it to the same bytes (but a table: its pins are a hash map, whose order the encoding follows).
     */
    private static void assertRoundTrips(MessageCodec codec, Object message) {
        byte[] bytes = codec.encode(message);
        Object decoded = codec.decode(bytes);
        assertDeepEquals(decoded, message);
        if (!(message instanceof ControlRequest.PublishTable)) {
            assertThat(codec.encode(decoded)).as("re-encoded %s", message).isEqualTo(bytes);
        }
    }

    private static void assertDeepEquals(Object decoded, Object original) {
        if (original == null) {
            assertThat(decoded).isNull();
            return;
        }
        if (original instanceof Enum<?>) {
            assertThat(decoded).isSameAs(original);
            return;
        }
        assertThat(decoded).as("decoded type").isNotSameAs(original).isInstanceOf(original.getClass());
        assertThat(decoded).usingRecursiveComparison().withComparatorForType(MessageCodecTest::compareTables, SlotTable.class)
                .as("%s", original).isEqualTo(original);
    }

    /** Tables compare by their parts; 0 when equal. */
    private static int compareTables(SlotTable a, SlotTable b) {
        boolean same = a.epoch() == b.epoch() && Arrays.equals(a.owners(), b.owners()) && a.nodes().equals(b.nodes())
                && a.migrations().equals(b.migrations()) && a.pins().equals(b.pins());
        return same ? 0 : 1;
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everyMessage_roundTrips_withItsValues(Object message) {
        assertRoundTrips(CODEC, message);
    }

    @Test
    void everyRecordAndEnum_hasASample() throws ReflectiveOperationException {
        Set<Class<?>> sampled = new HashSet<>();
        for (Object sample : samples()) {
            sampled.add(sample.getClass());
        }
        for (Request request : inProcess()) {
            sampled.add(request.getClass());
        }
        List<Class<?>> types = codecTypes();
        assertThat(types).as("the codec's types").hasSizeGreaterThan(80);
        assertThat(sampled).as("a sample of each type the codec carries, and nothing else")
                .containsExactlyInAnyOrderElementsOf(types);
    }

    @Test
    void aTableRoundTrips_withItsMigrationsAndPins() {
        SlotTable table = table();
        SlotTable decoded = ((ControlRequest.PublishTable) CODEC.decode(CODEC.encode(new ControlRequest.PublishTable(table))))
                .table();
        assertThat(decoded.epoch()).isEqualTo(table.epoch());
        assertThat(decoded.owners()).isEqualTo(table.owners());
        assertThat(decoded.nodes()).containsExactly(A, B, C);
        assertThat(decoded.migrations()).isEqualTo(table.migrations()).hasSize(1);
        assertThat(decoded.pins()).isEqualTo(table.pins()).hasSize(2);
        assertThat(decoded.replicas()).isEqualTo(table.replicas());
        assertThat(decoded.replicas().count()).isEqualTo(2);
        assertThat(decoded.replicas().holes()).isZero(); // three members: each slot backed by both others
    }


    /** IndexStats.Node is the grid's own payload; it must travel whatever codecs the user configured. */
    @Test
    void indexStatsNode_roundTripsWithTheDefaultCodecs() {
        assertRoundTrips(new MessageCodec(Codecs.defaults()), new IndexStats.Node("node-b", 12, Duration.ofMillis(1500),
                1_000, 1, 4));
    }

    @Test
    void everyOtherMessage_roundTripsWithTheDefaultCodecs() {
        MessageCodec defaults = new MessageCodec(Codecs.defaults());
        for (Object message : samples()) {
            if (!(message instanceof IndexStats.Node)) {
                assertRoundTrips(defaults, message);
            }
        }
    }

    // ================================================================ what cannot travel

    @Test
    void aRequestCarryingACallersFunction_isRefused_withIllegalStateException() {
        for (Request request : inProcess()) {
            assertThatThrownBy(() -> CODEC.encode(request)).as("%s", request.getClass().getSimpleName())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining(request.getClass().getSimpleName())
                    .hasMessageContaining("cannot travel");
        }
    }

    /** Neither Serializable nor known to any codec. */
    static final class Opaque {
    }

    @Test
    void aKeyOrValueTheCodecsCannotEncode_isACodecException_namingItsClass() {
        String name = Opaque.class.getName();
        List<Object> carriers = List.of(new KeyRequest.Get(1, 2, 3L, new Opaque(), 0),
                new KeyRequest.Put(1, 2, 3L, "k", 0, new Opaque()),
                new MigrationRequest.ImportEntries(1, 2, new Object[] {"k"}, new Object[] {new Opaque()}),
                new QueryRequest.Fragment(List.of(new Opaque()), List.of("v"), 1, 1, new int[0], false),
                new HotKeyRequest.InvalidateNear(1, new IndexRef(new Opaque(), 3)));
        for (Object message : carriers) {
            assertThatThrownBy(() -> CODEC.encode(message)).as("%s", message.getClass().getSimpleName())
                    .isInstanceOf(CodecException.class).hasMessageContaining(name);
        }
        assertThatThrownBy(() -> CODEC.encode(new KeyRequest.Put(1, 2, 3L, "k", 0, new Object())))
                .isInstanceOf(CodecException.class).hasMessageContaining("java.lang.Object");
    }

    // ================================================================ malformed input

    /** Decodes hostile bytes: a value, or a CodecException; anything else fails the test with its input. */
    private static void decodesOrRefuses(byte[] bytes, String what) {
        try {
            CODEC.decode(bytes);
        } catch (CodecException expected) {
            assertThat(expected.getMessage()).as("a CodecException says what was wrong").isNotBlank();
        } catch (Throwable other) {
            fail(what + ": " + other + " instead of a CodecException for " + Arrays.toString(bytes), other);
        }
    }

    @Test
    void everyStrictPrefixOfAMessage_isACodecException() {
        List<Object> messages = List.of(new KeyRequest.Put(2, 100, 12L, "key", 0, "value"),
                new BatchRequest.PutBatch(3, 27L, new int[] {2, 6}, new Object[] {"b", ID}, new Object[] {"x", 1}),
                new MigrationRequest.ImportEntries(404, 3, new Object[] {"k1", BYTES_KEY}, new Object[] {"v1", null}),
                new IndexRequest.InstallIndexes(8, List.of(new IndexRequest.IndexSpec(5, 8, "people", UNIQUE, 9, true))),
                new QueryRequest.Fragment(List.of("k1"), List.of(2L), 2, 3, new int[] {2}, true),
                new HotKeyRequest.HotKeys(List.of(new HotKey(3, "celebrity", 12.5, 0.5, 0.25))),
                new MemberStats(1, "node-b", new long[] {1, 2}, 1_000, 5_461, 3, 4, 5, 6, 2, new long[] {7}),
                Reply.Failure.of(new UniqueIndexViolationException("taken", "by-email", "ann@x.org")));
        for (Object message : messages) {
            byte[] bytes = CODEC.encode(message);
            for (int length = 0; length < bytes.length; length++) {
                byte[] prefix = Arrays.copyOf(bytes, length);
                assertThatThrownBy(() -> CODEC.decode(prefix)).as("%d of %d bytes of %s", length, bytes.length, message)
                        .isInstanceOf(CodecException.class);
            }
        }
    }

    @Test
    void prefixesOfATable_areCodecExceptions() {
        byte[] bytes = CODEC.encode(new ControlRequest.PublishTable(table()));
        for (int length = 0; length < bytes.length; length += length < 64 || length > bytes.length - 64 ? 1 : 997) {
            byte[] prefix = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> CODEC.decode(prefix)).as("%d of %d bytes", length, bytes.length)
                    .isInstanceOf(CodecException.class);
        }
    }

    @Test
    void trailingBytes_areACodecException() {
        byte[] bytes = CODEC.encode(new Reply.TryAgain(5));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> CODEC.decode(longer)).isInstanceOf(CodecException.class).hasMessageContaining("left");
    }

    @Test
    void randomBytes_andMutatedMessages_areDecodedOrRefusedWithACodecException() {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("MessageCodecTest seed " + seed + " (rerun with -Dseed=" + seed + ")");
        Random random = new Random(seed);
        int types = 100;
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(48)];
            random.nextBytes(bytes);
            if (bytes.length > 1 && random.nextBoolean()) {
                bytes[0] = (byte) random.nextInt(7); // a known tag, so that decoding goes deeper
                bytes[1] = (byte) random.nextInt(types);
            }
            decodesOrRefuses(bytes, "random input " + i + ", seed " + seed);
        }
        List<byte[]> encodings = new ArrayList<>();
        for (Object sample : samples()) {
            if (!(sample instanceof ControlRequest.PublishTable)) {
                encodings.add(CODEC.encode(sample));
            }
        }
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = encodings.get(random.nextInt(encodings.size())).clone();
            if (bytes.length == 0) {
                continue;
            }
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            decodesOrRefuses(bytes, "mutated message " + i + ", seed " + seed);
        }
    }

    /**
     * The codec's promise: "arrays and lists whose lengths are checked against the bytes left". A
     * message of a few bytes that claims a 50-million-element array must be refused before the array
     * is allocated, not after.
     */
    @Test
    void aHostileLength_isRefusedBeforeItsArrayIsAllocated() {
        List<Object[]> emptyAndOne = List.of(
                new Object[] {new ControlRequest.Slots(new int[0]), new ControlRequest.Slots(new int[1])},
                new Object[] {new MemberStats(7, "n", new long[0], 0, 0, 0, 0, 0, 0, 0, null),
                        new MemberStats(7, "n", new long[1], 0, 0, 0, 0, 0, 0, 0, null)},
                new Object[] {new MigrationRequest.ImportEntries(7, 2, new Object[0], null),
                        new MigrationRequest.ImportEntries(7, 2, new Object[1], null)});
        for (Object[] pair : emptyAndOne) {
            byte[] hostile = claimingElements(CODEC.encode(pair[0]), CODEC.encode(pair[1]), 50_000_000);
            long before = allocatedBytes();
            assertThatThrownBy(() -> CODEC.decode(hostile)).isInstanceOf(CodecException.class);
            assertThat(allocatedBytes() - before).as("bytes allocated decoding %d bytes of a %s", hostile.length,
                    pair[0].getClass().getSimpleName()).isLessThan(1 << 20);
        }
    }

    /**
     * The encoding of a message with an empty array whose length field claims {@code length} elements:
     * the length field is where the encodings with an empty and a one-element array first differ.
     */
    private static byte[] claimingElements(byte[] empty, byte[] one, int length) {
        int at = 0;
        while (empty[at] == one[at]) {
            at++;
        }
        byte[] varint = varint(length);
        byte[] out = new byte[empty.length - 1 + varint.length];
        System.arraycopy(empty, 0, out, 0, at);
        System.arraycopy(varint, 0, out, at, varint.length);
        System.arraycopy(empty, at + 1, out, at + varint.length, empty.length - at - 1);
        return out;
    }

    private static byte[] varint(int value) {
        byte[] out = new byte[5];
        int n = 0;
        while ((value & ~0x7F) != 0) {
            out[n++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out[n++] = (byte) value;
        return Arrays.copyOf(out, n);
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    // ================================================================ the checks catch a broken codec

    /** A test value with a codec of its own. */
    record Point(int x, int y) {
    }

    /** A right codec for {@link Point}, and a broken one that forgets {@code y}. */
    private static Codec<Point> pointCodec(boolean lossy) {
        return new Codec<>() {
            @Override
            public String name() {
                return lossy ? "lossy-point" : "point";
            }

            @Override
            public int typeId() {
                return 77;
            }

            @Override
            public Class<Point> type() {
                return Point.class;
            }

            @Override
            public void write(Point value, DataOutput out) throws IOException {
                out.writeInt(value.x());
                if (!lossy) {
                    out.writeInt(value.y());
                }
            }

            @Override
            public Point read(DataInput in) throws IOException {
                return new Point(in.readInt(), lossy ? 0 : in.readInt());
            }
        };
    }

    @Test
    void theRoundTripCheck_catchesALossyCodec_andTheDeepCompareSeesArrayContents() {
        KeyRequest.Put put = new KeyRequest.Put(1, 2, 3L, "k", 0, new Point(4, 5));
        assertRoundTrips(new MessageCodec(Codecs.builder().add(pointCodec(false)).build()), put);
        assertThatThrownBy(() -> assertRoundTrips(new MessageCodec(Codecs.builder().add(pointCodec(true)).build()), put))
                .isInstanceOf(AssertionError.class).hasMessageContaining("y");
        // a record with an array component: equals compares the array by reference, the deep compare by content
        ControlRequest.Slots slots = new ControlRequest.Slots(new int[] {1, 2, 3});
        assertDeepEquals(new ControlRequest.Slots(new int[] {1, 2, 3}), slots);
        assertThatThrownBy(() -> assertDeepEquals(new ControlRequest.Slots(new int[] {1, 2, 4}), slots))
                .isInstanceOf(AssertionError.class);
        // and one flipped bit in a long component is seen
        byte[] bytes = CODEC.encode(new MigrationRequest.Activate(406, 28L));
        bytes[bytes.length - 1] ^= 1;
        Object flipped = CODEC.decode(bytes);
        assertThatThrownBy(() -> assertDeepEquals(flipped, new MigrationRequest.Activate(406, 28L)))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void aFailureTravelsAsItsTypeAndMessage_andComesBackAsTheSameTypeWhereKnown() {
        for (RuntimeException thrown : Stream.of(new IllegalArgumentException("bad"), new IllegalStateException("stuck"),
                new UnsupportedOperationException("no"), new CodecException("garbled"),
                new UniqueIndexViolationException("taken", "by-email", "ann@x.org")).toList()) {
            Reply.Failure failure = (Reply.Failure) CODEC.decode(CODEC.encode(Reply.Failure.of(thrown)));
            RuntimeException rebuilt = failure.toException();
            assertThat(rebuilt).isExactlyInstanceOf(thrown.getClass()).hasMessage(thrown.getMessage());
        }
        RuntimeException custom = ((Reply.Failure) CODEC.decode(CODEC.encode(Reply.Failure.of(new FunctionsAcrossTheBoundaryTest
                .Boom())))).toException();
        assertThat(custom).isInstanceOf(RemoteFailureException.class)
                .hasMessageContaining(FunctionsAcrossTheBoundaryTest.Boom.class.getName()).hasMessageContaining("boom");
        assertThat(Objects.requireNonNull(custom.getMessage())).isNotBlank();
    }
}
