package dev.slotgrid.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The registry: how it picks codecs, what it refuses, and how it names each failure. */
class CodecsTest {

    // ---- test types and codecs ----

    interface Shape {
        String label();
    }

    record Square(String label) implements Shape {
    }

    record Circle(String label) implements Shape {
    }

    interface Red {
    }

    interface Round {
    }

    record Ball() implements Red, Round {
    }

    /** A codec from two functions, for tests. */
    static final class TestCodec<T> implements Codec<T> {
        interface Writer<T> {
            void write(T value, DataOutput out) throws IOException;
        }

        interface Reader<T> {
            T read(DataInput in) throws IOException;
        }

        private final String name;
        private final int typeId;
        private final Class<T> type;
        private final Writer<T> writer;
        private final Reader<T> reader;

        TestCodec(String name, int typeId, Class<T> type, Writer<T> writer, Reader<T> reader) {
            this.name = name;
            this.typeId = typeId;
            this.type = type;
            this.writer = writer;
            this.reader = reader;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int typeId() {
            return typeId;
        }

        @Override
        public Class<T> type() {
            return type;
        }

        @Override
        public void write(T value, DataOutput out) throws IOException {
            writer.write(value, out);
        }

        @Override
        public T read(DataInput in) throws IOException {
            return reader.read(in);
        }
    }

    /** Writes a shape's label; reads a Square. */
    static TestCodec<Shape> shapeCodec(int id) {
        return new TestCodec<>("shape", id, Shape.class, (v, out) -> writeLabel(out, v.label()),
                in -> new Square(readLabel(in)));
    }

    static TestCodec<Circle> circleCodec(int id) {
        return new TestCodec<>("circle", id, Circle.class, (v, out) -> writeLabel(out, "circle:" + v.label()),
                in -> new Circle(readLabel(in)));
    }

    static <T> TestCodec<T> markerCodec(String name, int id, Class<T> type, T value) {
        return new TestCodec<>(name, id, type, (v, out) -> { }, in -> value);
    }

    private static void writeLabel(DataOutput out, String label) throws IOException {
        byte[] bytes = label.getBytes(StandardCharsets.UTF_8);
        Codecs.writeLength(out, bytes.length);
        out.write(bytes);
    }

    private static String readLabel(DataInput in) throws IOException {
        return new String(Codecs.readBytes(in, "label"), StandardCharsets.UTF_8);
    }

    public record UserKey(String tenant, long id) implements RoutingKey {
        @Override
        public String routingKey() {
            return "{" + tenant + "}:" + id;
        }
    }

    public record PositiveKey(int n) implements RoutingKey {
        public PositiveKey {
            if (n <= 0) {
                throw new IllegalArgumentException("n must be positive: " + n);
            }
        }

        @Override
        public String routingKey() {
            return "p" + n;
        }
    }

    public record Chain(Chain next, int n) implements RoutingKey {
        @Override
        public String routingKey() {
            return "chain";
        }
    }

    /** A record that is not a RoutingKey (and not Serializable). */
    public record PlainRecord(String s) {
    }

    public record Envelope(String to, Serializable body) implements Serializable {
    }

    public record Secret(String text) implements Serializable {
    }

    public static final class Node implements Serializable {
        private static final long serialVersionUID = 1L;
        final Node next;

        Node(Node next) {
            this.next = next;
        }
    }

    public static final class Holder implements Serializable {
        private static final long serialVersionUID = 1L;
        final int[] data;

        Holder(int[] data) {
            this.data = data;
        }
    }

    public static final class Wrapper implements Serializable {
        private static final long serialVersionUID = 1L;
        final Object inner;

        Wrapper(Object inner) {
            this.inner = inner;
        }
    }

    /** Neither Serializable nor handled by any codec. */
    static final class Opaque {
    }

    private static final String TEST_TYPES = CodecsTest.class.getName() + "$*";

    /** Writes raw bytes, for crafted inputs. */
    interface RawWriter {
        void write(DataOutput out) throws IOException;
    }

    private static byte[] bytes(RawWriter writer) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        writer.write(new DataOutputStream(buffer));
        return buffer.toByteArray();
    }

    // ---- building the registry ----

    @Test
    void duplicateTypeIds_areRejectedAtBuild_namingBoth() {
        Codecs.Builder builder = Codecs.builder().add(shapeCodec(7)).add(circleCodec(7));
        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two codecs have type id 7")
                .hasMessageContaining("'shape'").hasMessageContaining("'circle'")
                .hasMessageContaining("a type id must be unique");
    }

    @Test
    void aTypeIdOfZeroOrBelow_isRefused_asReservedBySlotGrid() {
        assertThatThrownBy(() -> Codecs.builder().add(shapeCodec(0))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("codec 'shape'").hasMessageContaining("has type id 0")
                .hasMessageContaining("reserved by SlotGrid").hasMessageContaining("use a positive id");
        assertThatThrownBy(() -> Codecs.builder().add(shapeCodec(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has type id -1");
    }

    @Test
    void aCodecWithoutNameOrType_isRefused() {
        assertThatThrownBy(() -> Codecs.builder().add(markerCodec(" ", 5, String.class, "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has a blank name");
        assertThatThrownBy(() -> Codecs.builder().add(markerCodec("nul", 5, null, "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("codec 'nul'")
                .hasMessageContaining("null type()");
        assertThatThrownBy(() -> Codecs.builder().add(markerCodec("prim", 5, int.class, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("primitive type int");
        assertThatThrownBy(() -> Codecs.builder().add(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("codec must not be null");
    }

    @Test
    void twoCodecsForOneClass_areRejected_builtInsIncluded() {
        assertThatThrownBy(() -> Codecs.builder().add(circleCodec(1)).add(new TestCodec<>("circle2", 2, Circle.class,
                (v, out) -> { }, in -> new Circle(""))).build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two codecs claim class " + Circle.class.getTypeName())
                .hasMessageContaining("one codec per class");
        assertThatThrownBy(() -> Codecs.builder().add(markerCodec("my-string", 3, String.class, "x")).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("two codecs claim class java.lang.String")
                .hasMessageContaining("'string'").hasMessageContaining("built-in");
    }

    @Test
    void twoCodecsWithOneName_areRejected_builtInsIncluded() {
        assertThatThrownBy(() -> Codecs.builder().add(markerCodec("same", 1, Square.class, new Square("")))
                .add(markerCodec("same", 2, Circle.class, new Circle(""))).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("two codecs are named 'same'");
        assertThatThrownBy(() -> Codecs.builder().add(markerCodec("java-serialization", 1, Square.class,
                new Square(""))).build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two codecs are named 'java-serialization'");
    }

    @Test
    void builderArguments_areChecked_andNamed() {
        assertThatThrownBy(() -> Codecs.builder().allowSerializable(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("allowSerializable pattern must not be null");
        assertThatThrownBy(() -> Codecs.builder().allowSerializable(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("allowSerializable pattern must not be blank");
        assertThatThrownBy(() -> Codecs.builder().allowSerializable("maxdepth=x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pattern \"maxdepth=x\" is malformed");
        assertThatThrownBy(() -> Codecs.builder().serialFilter(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("serialFilter must not be null");
        assertThatThrownBy(() -> Codecs.builder().maxBytes(15)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxBytes must be at least 16: 15");
        assertThatThrownBy(() -> Codecs.builder().classLoader(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("classLoader must not be null");
    }

    // ---- choosing a codec ----

    @Test
    void exactClassCodec_winsOverASupertypeCodec() {
        Codecs codecs = Codecs.builder().add(shapeCodec(10)).add(circleCodec(11)).build();
        byte[] circle = codecs.encode(new Circle("c"));
        assertThat(codecs.decode(circle)).isEqualTo(new Circle("circle:c"));
        assertThat(codecs.decode(codecs.encode(new Square("s")))).isEqualTo(new Square("s"));
        assertThat(codecs.canEncode(Square.class)).isTrue();
    }

    @Test
    void mostSpecificSupertypeCodec_isChosen() {
        Codecs codecs = Codecs.builder().add(markerCodec("object", 20, Object.class, "via object"))
                .add(shapeCodec(21)).build();
        assertThat(codecs.decode(codecs.encode(new Square("s")))).isEqualTo(new Square("s"));
        assertThat(codecs.decode(codecs.encode(new Opaque()))).isEqualTo("via object");
        assertThat(codecs.decode(codecs.encode("text"))).as("exact built-in first").isEqualTo("text");
    }

    @Test
    void twoMatchesNeitherMoreSpecific_areAnError_namingBoth() {
        Codecs codecs = Codecs.builder().add(markerCodec("red", 30, Red.class, new Ball()))
                .add(markerCodec("round", 31, Round.class, new Ball())).build();
        assertThatThrownBy(() -> codecs.encode(new Ball())).isInstanceOf(CodecException.class)
                .hasMessageContaining("cannot encode a " + Ball.class.getTypeName())
                .hasMessageContaining("'red'").hasMessageContaining("'round'")
                .hasMessageContaining("register a codec for " + Ball.class.getTypeName() + " itself");
        assertThat(codecs.canEncode(Ball.class)).isFalse();
    }

    @Test
    void anUnencodableValue_namesItsClassAndTheFixes() {
        Codecs codecs = Codecs.defaults();
        assertThatThrownBy(() -> codecs.encode(new Opaque())).isInstanceOf(CodecException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot encode a " + Opaque.class.getTypeName())
                .hasMessageContaining("not Serializable").hasMessageContaining("register a Codec")
                .hasMessageContaining("allowSerializable(\"" + Opaque.class.getName() + "\")");
        assertThatThrownBy(() -> codecs.encode(new PlainRecord("r"))).isInstanceOf(CodecException.class)
                .hasMessageContaining(PlainRecord.class.getTypeName());
        assertThat(codecs.canEncode(Opaque.class)).isFalse();
        assertThat(codecs.canEncode(int.class)).isFalse();
    }

    @Test
    void aCodecThatMisbehaves_isNamedInTheFailure() {
        Codecs nulls = Codecs.builder().add(markerCodec("returns-null", 40, Square.class, null)).build();
        assertThatThrownBy(() -> nulls.decode(nulls.encode(new Square("s")))).isInstanceOf(CodecException.class)
                .hasMessageContaining("codec 'returns-null' (type id 40").hasMessageContaining("read null");
        @SuppressWarnings("unchecked")
        Class<Object> shapeType = (Class<Object>) (Class<?>) Shape.class;
        Codecs wrongType = Codecs.builder().add(new TestCodec<>("liar", 41, shapeType, (v, out) -> { },
                in -> "a string")).build();
        assertThatThrownBy(() -> wrongType.decode(wrongType.encode(new Square("s"))))
                .isInstanceOf(CodecException.class).hasMessageContaining("codec 'liar'")
                .hasMessageContaining("read a java.lang.String, not a " + Shape.class.getTypeName());
        Codecs throwing = Codecs.builder().add(new TestCodec<>("thrower", 42, Square.class,
                (v, out) -> {
                    throw new IllegalStateException("boom on write");
                }, in -> {
                    throw new ArrayIndexOutOfBoundsException("boom on read");
                })).build();
        assertThatThrownBy(() -> throwing.encode(new Square("s"))).isInstanceOf(CodecException.class)
                .hasMessageContaining("codec 'thrower' (type id 42").hasMessageContaining("boom on write");
        assertThatThrownBy(() -> throwing.decode(new byte[] {(byte) (42 << 1)})).isInstanceOf(CodecException.class)
                .hasMessageContaining("codec 'thrower'").hasMessageContaining("boom on read")
                .hasCauseInstanceOf(ArrayIndexOutOfBoundsException.class);
    }

    // ---- null, tags, lengths, limits ----

    @Test
    void null_hasItsOwnTag_andTravels() {
        Codecs codecs = Codecs.builder().build();
        assertThat(codecs.encode(null)).containsExactly(0);
        assertThat(codecs.decode(new byte[] {0})).isNull();
    }

    @Test
    void builtInTags_areOneByte_zigzagged() {
        Codecs codecs = Codecs.builder().build();
        assertThat(codecs.encode("")).containsExactly(0x01, 0x00);
        assertThat(codecs.encode(new byte[0])).containsExactly(0x03, 0x00);
        assertThat(codecs.encode(7)).containsExactly(0x05, 0, 0, 0, 7);
        assertThat(codecs.encode(true)).containsExactly(0x0D, 1);
        assertThat(codecs.encode(new UUID(1, 2))[0]).isEqualTo((byte) 0x17);
        Codecs money = Codecs.builder().add(new ExampleMoneyCodec()).build();
        assertThat(money.encode(new ExampleMoneyCodec.Money(1, "EUR"))).startsWith(0xA4, 0x42);
    }

    @Test
    void anUnknownTag_isNamed() {
        Codecs codecs = Codecs.builder().build();
        assertThatThrownBy(() -> codecs.decode(new byte[] {(byte) 0xC6, 0x01})).isInstanceOf(CodecException.class)
                .hasMessageStartingWith("unknown type tag 99");
        assertThatThrownBy(() -> codecs.decode(new byte[] {(byte) 0x1D})).isInstanceOf(CodecException.class)
                .hasMessageStartingWith("unknown type tag -15");
    }

    @Test
    void emptyAndTruncatedInput_isNamed() {
        Codecs codecs = Codecs.builder().build();
        assertThatThrownBy(() -> codecs.decode(new byte[0])).isInstanceOf(CodecException.class)
                .hasMessage("truncated: no type tag (empty input)");
        assertThatThrownBy(() -> codecs.decode(new byte[3], 2, 0)).isInstanceOf(CodecException.class)
                .hasMessage("truncated: no type tag (empty input)");
        assertThatThrownBy(() -> codecs.decode(new byte[] {9, 0, 0, 9}, 1, 2)).as("offsets count from the slice")
                .isInstanceOf(CodecException.class)
                .hasMessage("malformed input: 1 trailing bytes after a complete null at offset 1 of 2");
        assertThatThrownBy(() -> codecs.decode(new byte[] {0x05, 0, 0})).isInstanceOf(CodecException.class)
                .hasMessageStartingWith("truncated: the input ends inside a java.lang.Integer (type tag -3, codec 'int')")
                .hasMessageContaining("expected 4 more bytes, 2 remain");
        assertThatThrownBy(() -> codecs.decode(new byte[] {0x01, 12, 'a', 'b', 'c'}))
                .isInstanceOf(CodecException.class)
                .hasMessage("truncated: expected 12 more bytes for String, 3 remain");
    }

    @Test
    void negativeOrHugeLengths_areNamed_andNothingIsAllocated() throws IOException {
        Codecs codecs = Codecs.builder().build();
        byte[] negative = bytes(out -> {
            Varint.writeSigned(out, BuiltInCodecs.STRING);
            Varint.writeUnsigned(out, -1);
        });
        assertThatThrownBy(() -> codecs.decode(negative)).isInstanceOf(CodecException.class)
                .hasMessage("malformed length of String: 4294967295 does not fit in a non-negative int");
        byte[] huge = bytes(out -> {
            Varint.writeSigned(out, BuiltInCodecs.BYTES);
            Varint.writeUnsigned(out, Integer.MAX_VALUE);
        });
        assertThatThrownBy(() -> codecs.decode(huge)).isInstanceOf(CodecException.class)
                .hasMessage("byte[] of 2147483647 bytes exceeds the limit of 67108864 bytes (Codecs.Builder.maxBytes)");
        assertThatThrownBy(() -> codecs.read(new DataInputStream(new ByteArrayInputStream(huge))))
                .isInstanceOf(CodecException.class).hasMessageContaining("exceeds the limit of 67108864 bytes");
        byte[] overlong = {0x01, (byte) 0x80, 0x00};
        assertThatThrownBy(() -> codecs.decode(overlong)).isInstanceOf(CodecException.class)
                .hasMessageContaining("malformed length of String: overlong varint");
        byte[] wide = {0x01, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x7F};
        assertThatThrownBy(() -> codecs.decode(wide)).isInstanceOf(CodecException.class)
                .hasMessageContaining("varint wider than 32 bits");
    }

    @Test
    void aStreamThatClaimsALongValue_allocatesOnlyWhatArrives() throws IOException {
        Codecs codecs = Codecs.builder().build();
        byte[] claims = bytes(out -> {
            Varint.writeSigned(out, BuiltInCodecs.BYTES);
            Varint.writeUnsigned(out, 60 << 20);
            out.write(new byte[100]);
        });
        assertThatThrownBy(() -> codecs.read(new DataInputStream(new ByteArrayInputStream(claims))))
                .isInstanceOf(CodecException.class).hasMessageStartingWith("truncated: the input ends inside a byte[]");
    }

    @Test
    void trailingBytes_areRefused_withTheirCount() {
        Codecs codecs = Codecs.builder().build();
        assertThatThrownBy(() -> codecs.decode(new byte[] {0x05, 0, 0, 0, 7, 9, 9})).isInstanceOf(CodecException.class)
                .hasMessage("malformed input: 2 trailing bytes after a complete java.lang.Integer at offset 5 of 7");
    }

    @Test
    void maxBytes_limitsEncodeAndDecode() {
        Codecs small = Codecs.builder().maxBytes(64).build();
        assertThatThrownBy(() -> small.encode("x".repeat(100))).isInstanceOf(CodecException.class)
                .hasMessageContaining("encoded form exceeds the limit of 64 bytes (Codecs.Builder.maxBytes)");
        byte[] big = Codecs.builder().build().encode("x".repeat(100));
        assertThatThrownBy(() -> small.decode(big)).isInstanceOf(CodecException.class)
                .hasMessage("input of 102 bytes exceeds the limit of 64 bytes (Codecs.Builder.maxBytes)");
        assertThatThrownBy(() -> small.read(new DataInputStream(new ByteArrayInputStream(big))))
                .isInstanceOf(CodecException.class).hasMessage("String of 100 bytes exceeds the limit of 64 bytes "
                        + "(Codecs.Builder.maxBytes)");
        assertThat(small.maxBytes()).isEqualTo(64);
    }

    @Test
    void strings_areStrictUtf8_bothWays() {
        Codecs codecs = Codecs.builder().build();
        assertThatThrownBy(() -> codecs.encode("a\uD800b")).isInstanceOf(CodecException.class)
                .hasMessageContaining("unpaired surrogate (0xd800) at index 1");
        assertThatThrownBy(() -> codecs.decode(new byte[] {0x01, 2, (byte) 0xC0, (byte) 0x80}))
                .isInstanceOf(CodecException.class).hasMessageContaining("malformed String")
                .hasMessageContaining("not well-formed UTF-8");
        assertThatThrownBy(() -> codecs.decode(new byte[] {0x01, 3, (byte) 0xED, (byte) 0xA0, (byte) 0x80}))
                .as("an encoded surrogate").isInstanceOf(CodecException.class).hasMessageContaining("UTF-8");
        assertThat(codecs.decode(codecs.encode("\uD83D\uDE00"))).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void malformedScalars_areNamed() {
        Codecs codecs = Codecs.builder().build();
        assertThatThrownBy(() -> codecs.decode(new byte[] {0x0D, 2})).isInstanceOf(CodecException.class)
                .hasMessage("malformed Boolean: byte 0x2, expected 0 or 1");
        assertThatThrownBy(() -> codecs.decode(new byte[] {0x15, 0})).isInstanceOf(CodecException.class)
                .hasMessageContaining("malformed BigInteger: zero length");
        assertThatThrownBy(() -> codecs.decode(new byte[] {0x15, 2, 0, 1})).isInstanceOf(CodecException.class)
                .hasMessageContaining("redundant leading sign byte");
    }

    // ---- streams ----

    @Test
    void writeAndRead_onStreams_valueAfterValue() throws IOException {
        Codecs codecs = Codecs.builder().build();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(buffer);
        List<Object> values = Arrays.asList("a", 1, null, new byte[] {1, 2}, 2L);
        for (Object value : values) {
            codecs.write(value, out);
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(buffer.toByteArray()));
        List<Object> back = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            back.add(codecs.read(in));
        }
        assertThat(back).containsExactlyElementsOf(values);
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    void aFailedWrite_writesNothing() {
        Codecs codecs = Codecs.builder().build();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        assertThatThrownBy(() -> codecs.write(new Opaque(), new DataOutputStream(buffer)))
                .isInstanceOf(CodecException.class);
        assertThat(buffer.size()).isZero();
        assertThatThrownBy(() -> codecs.write("x", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("out must not be null");
    }

    @Test
    void aFailingStream_isAnUncheckedIOException_notACodecException() {
        Codecs codecs = Codecs.builder().build();
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        };
        assertThatThrownBy(() -> codecs.read(new DataInputStream(broken))).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("connection reset");
        assertThatThrownBy(() -> codecs.read(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("in must not be null");
        assertThatThrownBy(() -> codecs.decode(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("bytes must not be null");
        assertThatThrownBy(() -> codecs.decode(new byte[2], 1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    // ---- Java serialization ----

    @Test
    void serializable_withoutAllowlist_isRefused_namingTheClass() {
        Codecs none = Codecs.defaults();
        Secret secret = new Secret("s");
        assertThatThrownBy(() -> none.encode(secret)).isInstanceOf(CodecException.class)
                .hasMessageContaining("cannot encode a " + Secret.class.getTypeName())
                .hasMessageContaining("class " + Secret.class.getTypeName() + " is refused")
                .hasMessageContaining("no allowlist set")
                .hasMessageContaining("allowSerializable(\"" + Secret.class.getName() + "\")");
        assertThat(none.canEncode(Secret.class)).isFalse();
        byte[] bytes = Codecs.builder().allowSerializable(TEST_TYPES).build().encode(secret);
        assertThatThrownBy(() -> none.decode(bytes)).isInstanceOf(CodecException.class)
                .hasMessageContaining("class " + Secret.class.getTypeName() + " is refused")
                .hasMessageContaining("no allowlist set").hasMessageContaining("allowSerializable(");
    }

    @Test
    void serializable_withANonMatchingAllowlist_isRefused_namingTheClass() {
        Codecs other = Codecs.builder().allowSerializable("com.acme.model.*").build();
        byte[] bytes = Codecs.builder().allowSerializable(TEST_TYPES).build().encode(new Secret("s"));
        assertThatThrownBy(() -> other.decode(bytes)).isInstanceOf(CodecException.class)
                .hasMessageContaining("class " + Secret.class.getTypeName() + " is refused: it is not in the allowlist "
                        + "[pattern \"com.acme.model.*\"]")
                .hasMessageContaining("(or a package pattern such as \"dev.slotgrid.spi.*\")");
        assertThatThrownBy(() -> other.encode(new Secret("s"))).isInstanceOf(CodecException.class)
                .hasMessageContaining("not in the allowlist");
    }

    @Test
    void serializable_withAMatchingAllowlist_roundTrips() {
        Codecs codecs = Codecs.builder().allowSerializable(Envelope.class.getName() + ";" + Secret.class.getName())
                .build();
        Envelope envelope = new Envelope("bob", new Secret("hi"));
        assertThat(codecs.canEncode(Envelope.class)).isTrue();
        assertThat(codecs.decode(codecs.encode(envelope))).isEqualTo(envelope);
    }

    @Test
    void serializable_aRefusedClassInsideTheGraph_isNamed_encodingAndDecoding() {
        Codecs onlyEnvelope = Codecs.builder().allowSerializable(Envelope.class.getName()).build();
        Envelope envelope = new Envelope("bob", new Secret("hi"));
        assertThatThrownBy(() -> onlyEnvelope.encode(envelope)).isInstanceOf(CodecException.class)
                .hasMessageContaining("cannot encode a " + Envelope.class.getTypeName())
                .hasMessageContaining("class " + Secret.class.getTypeName() + " is refused");
        byte[] bytes = Codecs.builder().allowSerializable(TEST_TYPES).build().encode(envelope);
        assertThatThrownBy(() -> onlyEnvelope.decode(bytes)).isInstanceOf(CodecException.class)
                .hasMessageContaining("class " + Secret.class.getTypeName() + " is refused");
    }

    @Test
    void serialFilter_anObjectInputFilterAllows_andARejectWins() {
        ObjectInputFilter onlySecret = info -> info.serialClass() == Secret.class ? ObjectInputFilter.Status.ALLOWED
                : ObjectInputFilter.Status.UNDECIDED;
        Codecs codecs = Codecs.builder().serialFilter(onlySecret).build();
        assertThat(codecs.decode(codecs.encode(new Secret("x")))).isEqualTo(new Secret("x"));
        assertThatThrownBy(() -> codecs.encode(new Envelope("a", null))).isInstanceOf(CodecException.class)
                .hasMessageContaining(Envelope.class.getTypeName() + " is refused");
        Codecs rejecting = Codecs.builder().allowSerializable(TEST_TYPES).allowSerializable("!" + Secret.class.getName())
                .build();
        assertThatThrownBy(() -> rejecting.encode(new Secret("x"))).isInstanceOf(CodecException.class)
                .hasMessageContaining("refused by the serial filter pattern \"!" + Secret.class.getName() + "\"");
    }

    @Test
    void serializable_notSerializableInsideTheGraph_isNamed() {
        Codecs codecs = Codecs.builder().allowSerializable(TEST_TYPES).build();
        Envelope envelope = new Envelope("a", new Wrapper(new Opaque()));
        assertThatThrownBy(() -> codecs.encode(envelope)).isInstanceOf(CodecException.class)
                .hasMessageContaining("its object graph holds a " + Opaque.class.getName())
                .hasMessageContaining("not Serializable");
    }

    @Test
    void serializable_aHostileArrayLength_isRefused_withoutAllocating() {
        Codecs codecs = Codecs.builder().allowSerializable(TEST_TYPES).build();
        int[] data = new int[1000];
        Arrays.fill(data, 0x11111111);
        byte[] bytes = codecs.encode(new Holder(data));
        int at = indexOf(bytes, new byte[] {0, 0, 0x03, (byte) 0xE8, 0x11, 0x11, 0x11, 0x11});
        assertThat(at).as("the array length in the stream").isPositive();
        bytes[at] = 0x7F;
        bytes[at + 1] = (byte) 0xFF;
        bytes[at + 2] = (byte) 0xFF;
        bytes[at + 3] = (byte) 0xF0;
        byte[] hostile = bytes;
        assertThatThrownBy(() -> codecs.decode(hostile)).isInstanceOf(CodecException.class)
                .hasMessageContaining("declares an array int[] of 2147483632 elements");
    }

    @Test
    void serializable_aGraphDeeperThanTheLimit_isRefused() {
        Codecs codecs = Codecs.builder().allowSerializable(TEST_TYPES).build();
        Node chain = null;
        for (int i = 0; i < 200; i++) {
            chain = new Node(chain);
        }
        byte[] bytes = codecs.encode(chain);
        assertThatThrownBy(() -> codecs.decode(bytes)).isInstanceOf(CodecException.class)
                .hasMessageContaining("nests objects deeper than 128");
    }

    @Test
    void serializable_garbageInsideAValidFrame_isMalformed() throws IOException {
        Codecs codecs = Codecs.builder().allowSerializable(TEST_TYPES).build();
        byte[] bytes = bytes(out -> {
            Varint.writeSigned(out, BuiltInCodecs.JAVA_SERIALIZATION);
            Codecs.writeLength(out, 4);
            out.write(new byte[] {1, 2, 3, 4});
        });
        assertThatThrownBy(() -> codecs.decode(bytes)).isInstanceOf(CodecException.class)
                .hasMessageContaining("malformed Java serialization stream of 4 bytes");
    }

    // ---- RoutingKey records ----

    @Test
    void routingKeyRecord_roundTrips_whenAllowlisted() {
        Codecs codecs = Codecs.builder().allowSerializable(TEST_TYPES).build();
        UserKey key = new UserKey("acme", 42);
        assertThat(codecs.canEncode(UserKey.class)).isTrue();
        assertThat(codecs.decode(codecs.encode(key))).isEqualTo(key);
        Chain chain = new Chain(new Chain(null, 1), 2);
        assertThat(codecs.decode(codecs.encode(chain))).isEqualTo(chain);
        assertThat(codecs.encode(key)[0]).as("tag -13").isEqualTo((byte) 0x19);
    }

    @Test
    void routingKeyRecord_withoutAllowlist_isRefused_namingTheClass() {
        Codecs none = Codecs.defaults();
        UserKey key = new UserKey("acme", 42);
        assertThatThrownBy(() -> none.encode(key)).isInstanceOf(CodecException.class)
                .hasMessageContaining("cannot encode record " + UserKey.class.getTypeName())
                .hasMessageContaining("no allowlist set");
        assertThat(none.canEncode(UserKey.class)).isFalse();
        byte[] bytes = Codecs.builder().allowSerializable(TEST_TYPES).build().encode(key);
        assertThatThrownBy(() -> none.decode(bytes)).isInstanceOf(CodecException.class)
                .hasMessageContaining("cannot decode record " + UserKey.class.getName())
                .hasMessageContaining("no allowlist set");
        Codecs other = Codecs.builder().allowSerializable("com.acme.*").build();
        assertThatThrownBy(() -> other.decode(bytes)).isInstanceOf(CodecException.class)
                .hasMessageContaining(UserKey.class.getName()).hasMessageContaining("not in the allowlist");
    }

    @Test
    void routingKeyRecord_theUsersObjectInputFilterApplies() {
        Codecs allowAll = Codecs.builder().allowSerializable(TEST_TYPES).build();
        byte[] bytes = allowAll.encode(new UserKey("a", 1));
        ObjectInputFilter noUserKey = info -> info.serialClass() == UserKey.class ? ObjectInputFilter.Status.REJECTED
                : ObjectInputFilter.Status.UNDECIDED;
        Codecs filtered = Codecs.builder().allowSerializable(TEST_TYPES).serialFilter(noUserKey).build();
        assertThatThrownBy(() -> filtered.decode(bytes)).isInstanceOf(CodecException.class)
                .hasMessageContaining(UserKey.class.getTypeName() + " is refused by the serial filter ObjectInputFilter");
        assertThatThrownBy(() -> filtered.encode(new UserKey("a", 1))).isInstanceOf(CodecException.class)
                .hasMessageContaining("refused by the serial filter");
    }

    @Test
    void routingKeyRecord_aClassThatIsNotARoutingKeyRecord_isRefused() throws IOException {
        Codecs codecs = Codecs.builder().allowSerializable(TEST_TYPES).build();
        for (String name : List.of(PlainRecord.class.getName(), "java.lang.String", Opaque.class.getName())) {
            byte[] bytes = recordBytes(name, 0);
            assertThatThrownBy(() -> codecs.decode(bytes)).isInstanceOf(CodecException.class)
                    .hasMessageContaining("class " + name + " named in the input is not a record implementing "
                            + RoutingKey.class.getName());
        }
        byte[] missing = recordBytes("com.acme.Missing", 0);
        assertThatThrownBy(() -> codecs.decode(missing)).isInstanceOf(CodecException.class)
                .hasMessageContaining("record class com.acme.Missing named in the input cannot be loaded");
    }

    @Test
    void routingKeyRecord_mismatchedComponents_areNamed() throws IOException {
        Codecs codecs = Codecs.builder().allowSerializable(TEST_TYPES).build();
        byte[] count = recordBytes(UserKey.class.getName(), 3);
        assertThatThrownBy(() -> codecs.decode(count)).isInstanceOf(CodecException.class)
                .hasMessageContaining("record " + UserKey.class.getName() + " has 2 components, the input has 3");
        byte[] wrongType = bytes(out -> {
            out.write(recordBytes(UserKey.class.getName(), 2));
            out.write(codecs.encode("tenant"));
            out.write(codecs.encode("not a long"));
        });
        assertThatThrownBy(() -> codecs.decode(wrongType)).isInstanceOf(CodecException.class)
                .hasMessageContaining("component 'id' is a long, the input has a java.lang.String");
        byte[] nullPrimitive = bytes(out -> {
            out.write(recordBytes(UserKey.class.getName(), 2));
            out.write(codecs.encode("tenant"));
            out.write(codecs.encode(null));
        });
        assertThatThrownBy(() -> codecs.decode(nullPrimitive)).isInstanceOf(CodecException.class)
                .hasMessageContaining("component 'id' is a long, the input has null");
    }

    @Test
    void routingKeyRecord_isBuiltThroughItsCanonicalConstructor() throws IOException {
        Codecs codecs = Codecs.builder().allowSerializable(TEST_TYPES).build();
        assertThat(codecs.decode(codecs.encode(new PositiveKey(5)))).isEqualTo(new PositiveKey(5));
        byte[] invalid = bytes(out -> {
            out.write(recordBytes(PositiveKey.class.getName(), 1));
            out.write(codecs.encode(-5));
        });
        assertThatThrownBy(() -> codecs.decode(invalid)).isInstanceOf(CodecException.class)
                .hasMessageContaining("record " + PositiveKey.class.getName()
                        + ": its canonical constructor refused the decoded components")
                .hasMessageContaining("n must be positive: -5");
    }

    @Test
    void nestingDeeperThanTheLimit_isRefused_encodingAndDecoding() throws IOException {
        Codecs codecs = Codecs.builder().allowSerializable(TEST_TYPES).build();
        Chain chain = null;
        for (int i = 0; i < Codecs.MAX_NESTING_DEPTH + 1; i++) {
            chain = new Chain(chain, i);
        }
        Chain deep = chain;
        assertThatThrownBy(() -> codecs.encode(deep)).isInstanceOf(CodecException.class)
                .hasMessageContaining("values nest deeper than 64");
        byte[] prefix = recordBytes(Chain.class.getName(), 2);
        byte[] hostile = bytes(out -> {
            for (int i = 0; i < 10_000; i++) {
                out.write(prefix);
            }
        });
        assertThatThrownBy(() -> codecs.decode(hostile)).isInstanceOf(CodecException.class)
                .hasMessageContaining("values nest deeper than 64");
    }

    private static byte[] recordBytes(String className, int components) throws IOException {
        return bytes(out -> {
            Varint.writeSigned(out, BuiltInCodecs.ROUTING_KEY_RECORD);
            byte[] name = className.getBytes(StandardCharsets.UTF_8);
            Codecs.writeLength(out, name.length);
            out.write(name);
            Varint.writeUnsigned(out, components);
        });
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ---- discovery ----

    @Test
    void serviceLoader_discoversTheRegisteredCodec() {
        ExampleMoneyCodec.Money money = new ExampleMoneyCodec.Money(1999, "EUR");
        Codecs defaults = Codecs.defaults();
        assertThat(defaults.canEncode(ExampleMoneyCodec.Money.class)).isTrue();
        assertThat(defaults.decode(defaults.encode(money))).isEqualTo(money);
        assertThat(Codecs.builder().discover().build().toString()).contains("example-money(4242)");
        assertThat(Codecs.builder().build().canEncode(ExampleMoneyCodec.Money.class)).as("without discover()")
                .isFalse();
        assertThat(Plugins.load(Codec.class, "example-money")).as("the same mechanism as every plugin")
                .isInstanceOf(ExampleMoneyCodec.class);
    }

    @Test
    void aCodecBothAddedAndDiscovered_isADuplicate_namingWhereEachCameFrom() {
        assertThatThrownBy(() -> Codecs.builder().add(new ExampleMoneyCodec()).discover().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("two codecs have type id 4242")
                .hasMessageContaining("added").hasMessageContaining("META-INF/services");
    }

    @Test
    void aUserCodecsValidation_isACodecException_namingTheCodec() {
        Codecs codecs = Codecs.builder().add(new ExampleMoneyCodec()).build();
        byte[] bytes = codecs.encode(new ExampleMoneyCodec.Money(1, "EUR"));
        bytes[bytes.length - 1] = 'x';
        assertThatThrownBy(() -> codecs.decode(bytes)).isInstanceOf(CodecException.class)
                .hasMessageContaining("malformed " + ExampleMoneyCodec.Money.class.getTypeName())
                .hasMessageContaining("codec 'example-money'").hasMessageContaining("three capital letters");
    }

    // ---- the exception ----

    @Test
    void withContext_prependsTheCallersContext_keepingCauseAndStack() {
        IOException cause = new IOException("root");
        CodecException original = new CodecException("unknown type tag 99", cause);
        CodecException withContext = original.withContext("map 'orders', get");
        assertThat(withContext).hasMessage("map 'orders', get: unknown type tag 99").hasCause(cause)
                .isNotSameAs(original);
        assertThat(withContext.getStackTrace()).isEqualTo(original.getStackTrace());
        assertThat(original).hasMessage("unknown type tag 99");
        assertThatThrownBy(() -> original.withContext(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("context must not be null");
    }

    @Test
    void readLength_outsideARegistry_usesTheDefaultLimit() throws IOException {
        byte[] huge = bytes(out -> Varint.writeUnsigned(out, Codecs.DEFAULT_MAX_BYTES + 1));
        assertThatThrownBy(() -> Codecs.readLength(new DataInputStream(new ByteArrayInputStream(huge)), "blob"))
                .isInstanceOf(CodecException.class).hasMessageContaining("blob of 67108865 bytes exceeds the limit");
        assertThatThrownBy(() -> Codecs.writeLength(new DataOutputStream(new ByteArrayOutputStream()), -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("length must not be negative: -1");
    }
}
