package dev.slotgrid;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The binding of {@link TransportMode#NETWORK}: the members of an embedded grid, each behind its
 * own {@link NetworkTransport} listening on a loopback port, reach each other over the data-plane
 * protocol exactly as members in separate processes do (handshake, frames, correlation ids,
 * timeouts, the handler pool), without a membership service: the grid's own control plane knows
 * every member.
 *
 * <p>Every call crosses a socket, a member's call to itself included, through one calling
 * {@link NetworkTransport} that serves no member; so nothing travels by reference and every
 * request and reply goes through the codec and the framing. Thread-safe; a call costs a loopback
 * round trip (tens of microseconds on this project's machines).
 */
final class LoopbackNetworkTransport implements Transport {

    private static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;
    private static final long CALL_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int MAX_IN_FLIGHT = 4096;

    private final MessageCodec codec;
    private final Handshake handshake;
    private final String gridName;
    private final ConcurrentHashMap<Integer, NetworkTransport> members = new ConcurrentHashMap<>();
    private final NetworkTransport caller;

    LoopbackNetworkTransport(MessageCodec codec, String gridName) {
        this.codec = codec;
        this.gridName = gridName;
        this.handshake = new Handshake(gridName, java.util.UUID.randomUUID().toString());
        this.caller = listen(gridName + "-caller");
    }

    private NetworkTransport listen(String name) {
        return new NetworkTransport(codec, handshake, name, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                MAX_FRAME_BYTES, CALL_TIMEOUT_NANOS, NetworkTransport.DEFAULT_SPIN_NANOS, MAX_IN_FLIGHT, this::addressOf, NetworkTransport::timeoutFor);
    }

    private InetSocketAddress addressOf(int memberId) {
        NetworkTransport member = members.get(memberId);
        return member == null ? null : member.address();
    }

    @Override
    public void bind(int memberId, Endpoint endpoint) {
        NetworkTransport server = listen(gridName + "-" + memberId);
        server.bind(memberId, endpoint);
        if (members.putIfAbsent(memberId, server) != null) {
            server.close();
            throw new IllegalStateException("member " + memberId + " is bound already");
        }
    }

    @Override
    public Object call(int memberId, Request request) {
        return caller.call(memberId, request);
    }

    @Override
    public CompletableFuture<Object> send(int memberId, Request request) {
        return caller.send(memberId, request);
    }

    @Override
    public boolean carriesReferences() {
        return false;
    }

    @Override
    public void close() {
        caller.close();
        members.values().forEach(NetworkTransport::close);
    }
}
