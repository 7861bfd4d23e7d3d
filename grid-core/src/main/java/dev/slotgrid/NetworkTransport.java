package dev.slotgrid;

import dev.slotgrid.spi.CodecException;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * The network binding: SlotGrid's own protocol on Netty, between member processes
 * (docs/architecture.md, "Across JVMs"). One connection per pair of members (opened by the one
 * that first needs it), requests pipelined on it with correlation ids and answered in any order,
 * at most {@code maxInFlight} outstanding per destination (a caller beyond that waits for room,
 * up to its timeout), every call bounded by a timeout.
 *
 * <p>Frames: a 4-byte length, a type byte, an 8-byte correlation id, the payload ({@link MessageCodec}).
 * A connection first runs the {@link Handshake}; nothing else is read before it succeeds, and a
 * handshake frame over 1 KiB, a frame over {@code maxFrameBytes}, a frame of an unknown type or a
 * payload that does not decode closes that connection (and nothing else). Requests are decoded on
 * the event loop; single-key reads are served there too (a read never waits: a map lookup, or a
 * MOVED or TRYAGAIN answer), everything else on a pool of handler threads (a member's work may
 * block, e.g. waiting for writers to leave a slot, and may call other members). They are answered
 * in any order (the caller's router keeps the order of its async calls per slot).
 *
 * <p>Outcomes on the caller's side, beside a value or a {@link Reply}: a request that could not be
 * sent (no address, no connection, no room within the timeout) fails with
 * {@link MemberUnavailableException} and was not applied; a request whose reply never came
 * (timeout, or the connection closed after it was written) fails with
 * {@link MemberUnavailableException} for a read and {@link IndeterminateOperationException} for
 * anything that may change state: it may or may not have been applied. A request to this JVM's own
 * member runs on the caller's thread, by reference.
 *
 * <p>Thread-safe.
 */
final class NetworkTransport implements Transport {

    private static final System.Logger LOG = System.getLogger(NetworkTransport.class.getName());

    static final byte HELLO = 1;
    static final byte HELLO_ACK = 2;
    static final byte PROOF = 3;
    static final byte REQUEST = 4;
    static final byte REPLY = 5;
    private static final int HEADER_BYTES = 1 + 8;
    private static final int HANDSHAKE_MAX_BYTES = 1024;
    /** Requests that run as long as their work does (a coordinator's plan, an index build) wait up to this. */
    private static final long LONG_WAIT_NANOS = TimeUnit.MINUTES.toNanos(10);

    /** Callers of this JVM that are about to wait for a reply (see {@link #spinFor}). */
    private static final AtomicInteger WAITING = new AtomicInteger();

    /** See {@link ClusterBuilder#spinWait}. */
    static final long DEFAULT_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final long spinNanos;
    private final MessageCodec codec;
    private final Handshake handshake;
    private final String localName;
    private final int maxFrameBytes;
    private final long callTimeoutNanos;
    private final int maxInFlight;
    private final IntFunction<InetSocketAddress> addresses;
    private final Timeouts timeouts;
    private final EventLoopGroup group;
    private final ExecutorService handlers;
    private final Channel server;
    private final ConcurrentHashMap<Integer, Peer> peers = new ConcurrentHashMap<>();
    private final LongAdder refusedConnections = new LongAdder();
    private volatile int localId = -1;
    private volatile Endpoint local;
    private volatile boolean closed;
    /** Why it was closed, for the refusals after; written before {@link #closed}. */
    private volatile String closedBecause = "it was closed";

    /** How long a call waits for its reply: requests that wait by design get longer than the default. */
    interface Timeouts {
        long nanosFor(Request request, long defaultNanos);
    }

    /**
     * Binds the data plane's server socket.
     *
     * @param addresses where each member's data plane listens, by member id, or {@code null} if unknown
     */
    NetworkTransport(MessageCodec codec, Handshake handshake, String localName, InetSocketAddress bind, int maxFrameBytes,
            long callTimeoutNanos, long spinNanos, int maxInFlight, IntFunction<InetSocketAddress> addresses,
            Timeouts timeouts) {
        this.codec = codec;
        this.handshake = handshake;
        this.localName = localName;
        this.maxFrameBytes = maxFrameBytes;
        this.callTimeoutNanos = callTimeoutNanos;
        this.spinNanos = spinNanos;
        this.maxInFlight = maxInFlight;
        this.addresses = addresses;
        this.timeouts = timeouts;
        AtomicInteger threads = new AtomicInteger();
        this.group = new MultiThreadIoEventLoopGroup(2, task -> {
            Thread thread = new Thread(task, "slotgrid-" + localName + "-io-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }, DataPlaneIo.handlers());
        AtomicInteger workers = new AtomicInteger();
        this.handlers = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "slotgrid-" + localName + "-handler-" + workers.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(DataPlaneIo.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        framing(ch).addLast(new ServerSide());
                    }
                });
        try {
            this.server = bootstrap.bind(bind).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            handlers.shutdownNow();
            throw new IllegalStateException("cannot listen for the data plane on " + bind + ": " + e.getMessage(), e);
        }
    }

    private io.netty.channel.ChannelPipeline framing(SocketChannel ch) {
        return ch.pipeline().addLast(new FlushConsolidationHandler(256, true))
                .addLast(new LengthFieldBasedFrameDecoder(maxFrameBytes, 0, 4, 0, 4))
                .addLast(new LengthFieldPrepender(4));
    }

    /** The address the data plane listens on (the port chosen, if 0 was asked for). */
    InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    long refusedConnections() {
        return refusedConnections.sum();
    }

    @Override
    public void bind(int memberId, Endpoint endpoint) {
        this.local = endpoint;
        this.localId = memberId;
    }

    /** Forgets the connection to a member (it left or died): the next call connects again. */
    void forget(int memberId) {
        Peer peer = peers.remove(memberId);
        if (peer != null) {
            peer.close();
        }
    }

    @Override
    public boolean carriesReferences() {
        return false;
    }

    @Override
    public Object call(int memberId, Request request) {
        if (memberId == localId && local != null) {
            return local.handle(request);
        }
        long timeout = timeouts.nanosFor(request, callTimeoutNanos);
        WAITING.incrementAndGet();
        try {
            CompletableFuture<byte[]> reply = send(memberId, request, true);
            spinFor(reply);
            return unpack(reply.get(timeout, TimeUnit.NANOSECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MemberUnavailableException("interrupted while waiting for member " + memberId + " to answer "
                    + kind(request), e);
        } catch (TimeoutException e) {
            throw notAnswered(memberId, request, "did not answer within " + TimeUnit.NANOSECONDS.toMillis(timeout) + " ms",
                    e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new MemberUnavailableException("member " + memberId + " could not be reached for " + kind(request), cause);
        } finally {
            WAITING.decrementAndGet();
        }
    }

    /**
     * Spins on the reply for up to {@link #spinNanos} before the caller parks, when it is the only
     * caller of this JVM waiting for a reply: a reply that comes back within a loopback round trip
     * is then picked up without the wake-up of a parked thread. With other callers waiting, the
     * cores are better left to them and to the event loops (measured: spinning then costs more than
     * it saves on 2 cores).
     */
    private void spinFor(CompletableFuture<byte[]> reply) {
        if (spinNanos <= 0 || reply.isDone()) {
            return;
        }
        long deadline = System.nanoTime() + spinNanos;
        while (!reply.isDone() && WAITING.get() == 1 && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
    }

    @Override
    public Object callKey(int memberId, KeyRequest request) {
        if (memberId == localId && local != null) {
            return local.execute(request);
        }
        return call(memberId, request);
    }

    @Override
    public CompletableFuture<Object> send(int memberId, Request request) {
        if (memberId == localId && local != null) {
            try {
                return CompletableFuture.completedFuture(local.handle(request));
            } catch (RuntimeException | Error e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        long timeout = timeouts.nanosFor(request, callTimeoutNanos);
        CompletableFuture<byte[]> sent;
        try {
            sent = send(memberId, request, false);
        } catch (RuntimeException notSent) { // no address, no connection: as the contract says, in the future
            return CompletableFuture.failedFuture(notSent);
        }
        return sent
                .orTimeout(timeout, TimeUnit.NANOSECONDS)
                .handle((bytes, failure) -> {
                    if (failure == null) {
                        return unpack(bytes);
                    }
                    Throwable cause = failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure;
                    if (cause instanceof TimeoutException) {
                        throw notAnswered(memberId, request, "did not answer within "
                                + TimeUnit.NANOSECONDS.toMillis(timeout) + " ms", cause);
                    }
                    throw cause instanceof RuntimeException runtime ? runtime
                            : new MemberUnavailableException("member " + memberId + " could not be reached", cause);
                });
    }

    /** Encodes (failing before anything is sent), then writes one request frame; the future completes with the reply's bytes. */
    private CompletableFuture<byte[]> send(int memberId, Request request, boolean sync) {
        byte[] payload = codec.encode(request);
        if (payload.length + HEADER_BYTES > maxFrameBytes) {
            throw new CodecException(kind(request) + " is " + payload.length + " bytes encoded, over the data plane's"
                    + " frame limit of " + maxFrameBytes + "; nothing was sent");
        }
        if (closed) {
            throw new MemberUnavailableException("the data plane of '" + localName + "' is closed (" + closedBecause
                    + "); " + kind(request)
                    + " was not sent");
        }
        return peer(memberId).request(request, payload);
    }

    private Object unpack(byte[] reply) {
        Object decoded = codec.decode(reply);
        if (decoded instanceof Reply.Failure failure) {
            throw failure.toException();
        }
        return decoded;
    }

    /** Whether a request may change state on its member (so that a lost reply leaves it indeterminate). */
    static boolean mayWrite(Request request) {
        if (request instanceof KeyRequest key) {
            return key.type().isWrite();
        }
        return !(request instanceof BatchRequest.GetBatch || request instanceof QueryRequest
                || request instanceof ControlRequest.StatsQuery || request instanceof ControlRequest.CountEntries
                || request instanceof ControlRequest.SlotEntryCount || request instanceof ControlRequest.EmptySlots
                || request instanceof HotKeyRequest.TopKeys || request instanceof HotKeyRequest.Counters);
    }

    private static String kind(Request request) {
        return request.getClass().getSimpleName();
    }

    private static RuntimeException notAnswered(int memberId, Request request, String why, Throwable cause) {
        String text = "member " + memberId + " " + why + " for " + kind(request);
        return mayWrite(request) ? new IndeterminateOperationException(text + ": it may or may not have been applied", cause)
                : new MemberUnavailableException(text, cause);
    }

    /** Per-request timeouts on the data plane: requests that wait by design get their own wait and more. */
    static long timeoutFor(Request request, long fallbackNanos) {
        if (request instanceof CoordinatorRequest) {
            return LONG_WAIT_NANOS;
        }
        if (request instanceof IndexRequest.AwaitOutbox await) {
            return await.timeoutNanos() + fallbackNanos;
        }
        if (request instanceof IndexRequest.AwaitWritersOutside await) {
            return await.timeoutNanos() + fallbackNanos;
        }
        if (request instanceof MigrationRequest.SealOutgoing seal) {
            return seal.timeoutNanos() + fallbackNanos;
        }
        if (request instanceof IndexRequest.BuildGlobal || request instanceof IndexRequest.BuildLocal
                || request instanceof IndexRequest.GlobalEntriesPart || request instanceof IndexRequest.VerifyLocalPart) {
            return LONG_WAIT_NANOS;
        }
        return fallbackNanos;
    }

    private Peer peer(int memberId) {
        Peer peer = peers.get(memberId);
        if (peer != null && !peer.isDead()) {
            return peer;
        }
        InetSocketAddress address = addresses.apply(memberId);
        if (address == null) {
            throw new MemberUnavailableException("no data-plane address is known for member " + memberId
                    + " (not a member, or gone); nothing was sent");
        }
        Peer fresh = new Peer(memberId, address);
        Peer raced = peers.compute(memberId, (id, old) -> old == null || old.isDead() ? fresh : old);
        if (raced == fresh) {
            fresh.connect();
        }
        return raced;
    }

    @Override
    public void close() {
        close("it was closed");
    }

    /** From now on sends nothing (each call is refused with {@code why}); the connections close with {@link #close}. */
    void refuseAll(String why) {
        if (!closed) {
            closedBecause = why;
        }
        closed = true;
    }

    /** Closes, with the reason later refusals give. Idempotent (the first reason stays). */
    void close(String why) {
        refuseAll(why);
        for (Peer peer : peers.values()) {
            peer.close();
        }
        server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        handlers.shutdownNow();
    }

    // ================================================================ the server side of a connection

    /** A connection another member opened: handshake, then requests served (reads here, the rest on the handler pool). */
    private final class ServerSide extends SimpleChannelInboundHandler<ByteBuf> {
        private static final int NEW = 0;
        private static final int WAIT_PROOF = 1;
        private static final int READY = 2;

        private int state = NEW;
        private byte[] clientNonce;
        private byte[] serverNonce;
        private String peerName = "?";
        private boolean refused;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            if (frame.readableBytes() < HEADER_BYTES) {
                refuse(ctx, "a frame of " + frame.readableBytes() + " bytes, shorter than its header");
                return;
            }
            byte type = frame.readByte();
            long correlation = frame.readLong();
            if (state != READY) {
                handshake(ctx, type, frame);
                return;
            }
            if (type != REQUEST) {
                refuse(ctx, "a frame of type " + type + " after the handshake");
                return;
            }
            byte[] payload = new byte[frame.readableBytes()];
            frame.readBytes(payload);
            Request request;
            try {
                request = (Request) codec.decode(payload); // here, to know which thread serves it
            } catch (RuntimeException e) { // CodecException, ClassCastException, or a codec plugin's own
                refuse(ctx, "a malformed request (" + e.getMessage() + ")");
                return;
            }
            Channel channel = ctx.channel();
            if (request instanceof KeyRequest key && !key.type().isWrite()) {
                // A single-key read rarely waits (a map lookup, or a MOVED / TRYAGAIN answer): served here, it
                // saves the thread handoff to the pool and back (docs/benchmarks.md: -28% at p50). One that must
                // wait for its slot's writes to reach the backups goes to the pool: this loop carries their answers.
                Endpoint endpoint = local;
                Object now;
                try {
                    now = endpoint == null ? Endpoint.MUST_WAIT : endpoint.readWithoutWaiting(key);
                } catch (RuntimeException | Error e) {
                    now = Reply.Failure.of(e);
                }
                if (now == Endpoint.MUST_WAIT) {
                    handlers.execute(() -> serve(channel, correlation, request));
                } else {
                    reply(channel, correlation, now);
                }
            } else {
                handlers.execute(() -> serve(channel, correlation, request));
            }
        }

        private void handshake(ChannelHandlerContext ctx, byte type, ByteBuf frame) {
            if (frame.readableBytes() > HANDSHAKE_MAX_BYTES) {
                refuse(ctx, "a handshake frame of " + frame.readableBytes() + " bytes");
                return;
            }
            if (state == NEW && type == HELLO) {
                String cluster = readString(frame);
                peerName = readString(frame);
                clientNonce = readBytes(frame, Handshake.NONCE_BYTES);
                if (cluster == null || peerName == null || clientNonce == null) {
                    refuse(ctx, "a malformed HELLO");
                    return;
                }
                if (!cluster.equals(handshake.clusterName())) {
                    refuse(ctx, "member '" + peerName + "' of cluster '" + cluster + "', not '" + handshake.clusterName() + "'");
                    return;
                }
                serverNonce = Handshake.nonce();
                ByteBuf ack = ctx.alloc().buffer(HEADER_BYTES + Handshake.NONCE_BYTES + Handshake.MAC_BYTES);
                ack.writeByte(HELLO_ACK).writeLong(0).writeBytes(serverNonce).writeBytes(handshake.serverMac(clientNonce,
                        serverNonce));
                ctx.writeAndFlush(ack);
                state = WAIT_PROOF;
                return;
            }
            if (state == WAIT_PROOF && type == PROOF) {
                byte[] mac = readBytes(frame, Handshake.MAC_BYTES);
                if (mac == null || !Handshake.same(mac, handshake.clientMac(serverNonce, clientNonce))) {
                    refuse(ctx, "member '" + peerName + "' with a wrong shared secret");
                    return;
                }
                state = READY;
                return;
            }
            refuse(ctx, "a frame of type " + type + " during the handshake");
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (state != READY && !refused) {
                // the peer gave up (e.g. it found our proof wrong: another secret) or went away mid-handshake
                refuse(ctx, "a connection from '" + peerName + "' that closed during the handshake");
            }
            super.channelInactive(ctx);
        }

        private void refuse(ChannelHandlerContext ctx, String what) {
            if (refused) {
                return;
            }
            refused = true;
            refusedConnections.increment();
            LOG.log(System.Logger.Level.WARNING, "data plane of '" + localName + "': refused " + what + " from "
                    + ctx.channel().remoteAddress() + "; closing that connection");
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            refuse(ctx, "a bad frame (" + cause.getMessage() + ")");
        }
    }

    /** Serves one request on a handler thread and writes its reply. */
    private void serve(Channel channel, long correlation, Request request) {
        Object reply;
        try {
            Endpoint endpoint = local;
            if (endpoint == null) {
                throw new MemberUnavailableException("member '" + localName + "' is not serving yet");
            }
            reply = endpoint.handle(request);
        } catch (RuntimeException | Error e) {
            reply = Reply.Failure.of(e);
        }
        reply(channel, correlation, reply);
    }

    private void reply(Channel channel, long correlation, Object reply) {
        byte[] bytes;
        try {
            bytes = codec.encode(reply);
        } catch (RuntimeException e) {
            bytes = codec.encode(Reply.Failure.of(e));
        }
        ByteBuf frame = channel.alloc().buffer(HEADER_BYTES + bytes.length);
        frame.writeByte(REPLY).writeLong(correlation).writeBytes(bytes);
        channel.writeAndFlush(frame);
    }

    private static String readString(ByteBuf frame) {
        if (frame.readableBytes() < 2) {
            return null;
        }
        int length = frame.readUnsignedShort();
        if (length > frame.readableBytes()) {
            return null;
        }
        byte[] bytes = new byte[length];
        frame.readBytes(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(ByteBuf frame, int n) {
        if (frame.readableBytes() < n) {
            return null;
        }
        byte[] bytes = new byte[n];
        frame.readBytes(bytes);
        return bytes;
    }

    private static void writeString(ByteBuf frame, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        frame.writeShort(bytes.length).writeBytes(bytes);
    }

    // ================================================================ the client side: one connection per member

    /** This member's connection to another: pipelined requests by correlation id, at most {@code maxInFlight}. */
    private final class Peer {
        private final int memberId;
        private final InetSocketAddress address;
        private final CompletableFuture<Channel> ready = new CompletableFuture<>();
        private final ConcurrentHashMap<Long, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<Long, Request> written = new ConcurrentHashMap<>();
        private final Semaphore room = new Semaphore(maxInFlight);
        private final AtomicLong ids = new AtomicLong();
        private volatile boolean dead;

        Peer(int memberId, InetSocketAddress address) {
            this.memberId = memberId;
            this.address = address;
        }

        boolean isDead() {
            return dead;
        }

        void connect() {
            byte[] clientNonce = Handshake.nonce();
            Bootstrap bootstrap = new Bootstrap().group(group).channel(DataPlaneIo.clientChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                            TimeUnit.NANOSECONDS.toMillis(callTimeoutNanos)))
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            framing(ch).addLast(new ClientSide(Peer.this, clientNonce));
                        }
                    });
            ChannelFuture connecting = bootstrap.connect(address);
            connecting.addListener(f -> {
                if (!f.isSuccess()) {
                    die(new MemberUnavailableException("cannot connect to member " + memberId + " at " + address + ": "
                            + f.cause().getMessage() + "; nothing was sent", f.cause()));
                    return;
                }
                Channel channel = connecting.channel();
                channel.closeFuture().addListener(closed -> die(null));
                ByteBuf hello = channel.alloc().buffer();
                hello.writeByte(HELLO).writeLong(0);
                writeString(hello, handshake.clusterName());
                writeString(hello, localName);
                hello.writeBytes(clientNonce);
                channel.writeAndFlush(hello);
            });
        }

        CompletableFuture<byte[]> request(Request request, byte[] payload) {
            Channel channel;
            try {
                channel = ready.get(callTimeoutNanos, TimeUnit.NANOSECONDS);
                if (!room.tryAcquire(callTimeoutNanos, TimeUnit.NANOSECONDS)) {
                    throw new MemberUnavailableException(maxInFlight + " requests to member " + memberId
                            + " are still in flight after " + TimeUnit.NANOSECONDS.toMillis(callTimeoutNanos) + " ms; "
                            + kind(request) + " was not sent");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MemberUnavailableException("interrupted while connecting to member " + memberId, e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException runtime ? runtime
                        : new MemberUnavailableException("cannot reach member " + memberId, e.getCause());
            } catch (TimeoutException e) {
                throw new MemberUnavailableException("no connection to member " + memberId + " at " + address + " within "
                        + TimeUnit.NANOSECONDS.toMillis(callTimeoutNanos) + " ms; " + kind(request) + " was not sent", e);
            }
            long id = ids.incrementAndGet();
            CompletableFuture<byte[]> reply = new CompletableFuture<>();
            pending.put(id, reply);
            written.put(id, request);
            reply.whenComplete((bytes, failure) -> {
                pending.remove(id);
                written.remove(id);
                room.release();
            });
            ByteBuf frame = channel.alloc().buffer(HEADER_BYTES + payload.length);
            frame.writeByte(REQUEST).writeLong(id).writeBytes(payload);
            channel.writeAndFlush(frame).addListener(f -> {
                if (!f.isSuccess()) {
                    reply.completeExceptionally(notAnswered(memberId, request, "lost its connection while "
                            + kind(request) + " was written", f.cause()));
                }
            });
            if (dead) { // the connection died between the check and the write: the close handler may have missed us
                reply.completeExceptionally(notAnswered(memberId, request, "lost its connection", null));
            }
            return reply;
        }

        void answered(long correlation, byte[] bytes) {
            CompletableFuture<byte[]> reply = pending.get(correlation);
            if (reply != null) {
                reply.complete(bytes);
            }
        }

        /** The connection is gone: requests waiting for a reply fail (indeterminate if they may have written). */
        void die(RuntimeException cause) {
            dead = true;
            peers.remove(memberId, this);
            RuntimeException unreachable = cause != null ? cause
                    : new MemberUnavailableException("the connection to member " + memberId + " at " + address + " closed");
            ready.completeExceptionally(unreachable);
            for (Long id : pending.keySet()) {
                CompletableFuture<byte[]> reply = pending.get(id);
                Request request = written.get(id);
                if (reply != null) {
                    reply.completeExceptionally(request == null ? unreachable
                            : notAnswered(memberId, request, "closed its connection before answering", unreachable));
                }
            }
        }

        void close() {
            ready.thenAccept(Channel::close);
            die(new MemberUnavailableException("the connection to member " + memberId + " was closed by this member"));
        }
    }

    /** The client side's handler: the handshake, then replies by correlation id. */
    private final class ClientSide extends SimpleChannelInboundHandler<ByteBuf> {
        private final Peer peer;
        private final byte[] clientNonce;
        private boolean authenticated;

        ClientSide(Peer peer, byte[] clientNonce) {
            this.peer = peer;
            this.clientNonce = clientNonce;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            if (frame.readableBytes() < HEADER_BYTES) {
                ctx.close();
                return;
            }
            byte type = frame.readByte();
            long correlation = frame.readLong();
            if (!authenticated) {
                byte[] serverNonce = readBytes(frame, Handshake.NONCE_BYTES);
                byte[] mac = readBytes(frame, Handshake.MAC_BYTES);
                if (type != HELLO_ACK || serverNonce == null || mac == null
                        || !Handshake.same(mac, handshake.serverMac(clientNonce, serverNonce))) {
                    LOG.log(System.Logger.Level.WARNING, "data plane of '" + localName + "': member " + peer.memberId + " at "
                            + ctx.channel().remoteAddress() + " failed the handshake (another cluster, or another shared"
                            + " secret); closing that connection");
                    ctx.close();
                    return;
                }
                ByteBuf proof = ctx.alloc().buffer(HEADER_BYTES + Handshake.MAC_BYTES);
                proof.writeByte(PROOF).writeLong(0).writeBytes(handshake.clientMac(serverNonce, clientNonce));
                ctx.writeAndFlush(proof);
                authenticated = true;
                peer.ready.complete(ctx.channel());
                return;
            }
            if (type != REPLY) {
                ctx.close();
                return;
            }
            byte[] bytes = new byte[frame.readableBytes()];
            frame.readBytes(bytes);
            peer.answered(correlation, bytes);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
