package dev.slotgrid;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The test binding that proves nothing crosses between members by reference: every request is
 * encoded with a {@link MessageCodec} on the caller's thread, decoded and served on another thread,
 * and its reply (value, redirect or failure) encoded there and decoded back on the caller's.
 * Nothing the callee returns is an object the caller gave it.
 *
 * <p>Thread-safe. Callees run on a cached pool of daemon threads (a callee that itself calls
 * another member, as index maintenance does, takes another thread). A request that cannot be
 * encoded fails on the caller before anything is sent. Cost: two encodings, two decodings and two
 * thread handoffs per call (tens of microseconds): for tests, not speed.
 */
final class SerializingTransport implements Transport {

    /** How long a caller waits for one reply before it reports the call as stuck. */
    private static final long REPLY_TIMEOUT_MINUTES = 10;

    private final MessageCodec codec;
    private final ExecutorService callees;
    private volatile Endpoint[] endpoints = new Endpoint[0];

    SerializingTransport(MessageCodec codec, String gridName) {
        this.codec = codec;
        AtomicInteger threads = new AtomicInteger();
        this.callees = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, gridName + "-callee-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public synchronized void bind(int memberId, Endpoint endpoint) {
        Endpoint[] next = Arrays.copyOf(endpoints, Math.max(endpoints.length, memberId + 1));
        next[memberId] = endpoint;
        endpoints = next;
    }

    /** Serves one encoded request on a callee thread; always answers bytes (a failure is encoded too). */
    private byte[] serve(Endpoint endpoint, byte[] request) {
        Object reply;
        try {
            reply = endpoint.handle((Request) codec.decode(request));
        } catch (RuntimeException | Error e) {
            reply = Reply.Failure.of(e);
        }
        try {
            return codec.encode(reply);
        } catch (RuntimeException e) {
            return codec.encode(Reply.Failure.of(e));
        }
    }

    private Object unpack(byte[] reply) {
        Object decoded = codec.decode(reply);
        if (decoded instanceof Reply.Failure failure) {
            throw failure.toException();
        }
        return decoded;
    }

    @Override
    public Object call(int memberId, Request request) {
        Endpoint endpoint = InJvmTransport.endpoint(endpoints, memberId);
        byte[] bytes = codec.encode(request);
        try {
            return unpack(callees.submit(() -> serve(endpoint, bytes)).get(REPLY_TIMEOUT_MINUTES, TimeUnit.MINUTES));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for member " + memberId + " to answer "
                    + request.getClass().getSimpleName(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("member " + memberId + " could not serve " + request.getClass().getSimpleName(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("member " + memberId + " did not answer " + request.getClass().getSimpleName()
                    + " within " + REPLY_TIMEOUT_MINUTES + " minutes", e);
        }
    }

    @Override
    public CompletableFuture<Object> send(int memberId, Request request) {
        try {
            Endpoint endpoint = InJvmTransport.endpoint(endpoints, memberId);
            byte[] bytes = codec.encode(request);
            return CompletableFuture.supplyAsync(() -> serve(endpoint, bytes), callees).thenApply(this::unpack);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public boolean carriesReferences() {
        return false;
    }

    @Override
    public void close() {
        callees.shutdownNow();
    }
}
