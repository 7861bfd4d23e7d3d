package dev.slotgrid.spi;

import java.util.List;
import java.util.UUID;

/**
 * The conformance suite run on the built-in codec of records implementing {@link RoutingKey}
 * (type id -13), with the test's records allowlisted.
 */
class RoutingKeyRecordConformanceTest extends CodecConformanceTest {

    public record UserKey(String tenant, long id) implements RoutingKey {
        @Override
        public String routingKey() {
            return "{" + tenant + "}:" + id;
        }
    }

    public record SessionKey(UserKey user, int part, UUID session, String label) implements RoutingKey {
        @Override
        public String routingKey() {
            return user.routingKey();
        }
    }

    public record Everything(boolean z, byte b, short s, char c, int i, long j, float f, double d, Integer boxed)
            implements RoutingKey {
        @Override
        public String routingKey() {
            return "everything";
        }
    }

    public record Empty() implements RoutingKey {
        @Override
        public String routingKey() {
            return "empty";
        }
    }

    @Override
    protected Codecs codecs() {
        return Codecs.builder().allowSerializable(getClass().getName() + "$*").build();
    }

    @Override
    protected List<Object> samples() {
        UserKey user = new UserKey("acme", 42);
        return List.of(user, new UserKey("", Long.MIN_VALUE),
                new SessionKey(user, 3, new UUID(1, 2), "caf\u00e9"),
                new SessionKey(new UserKey("t", 0), -1, null, null),
                new Everything(true, (byte) -1, (short) 300, '\u20ac', Integer.MIN_VALUE, Long.MAX_VALUE, 1.5f, -0.0, null),
                new Empty());
    }
}
