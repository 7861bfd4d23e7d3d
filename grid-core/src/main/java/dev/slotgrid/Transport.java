package dev.slotgrid;

import java.util.concurrent.CompletableFuture;

/**
 * How a member reaches another: send a {@link Request}, receive its value or a {@link Reply}. The
 * only path between members (docs/architecture.md, "The walls between members").
 *
 * <p>Bindings: {@link InJvmTransport} (the callee runs on the caller's thread, values by reference:
 * the embedded default and the speed floor), {@link SerializingTransport} (every request and reply
 * encoded and decoded, the callee on another thread: proves that nothing crosses by reference),
 * {@link FaultyTransport} (drops and delays chosen messages, for tests).
 *
 * <p>Thread-safe. Outcomes of {@link #call}: the callee's value (any object, or {@code null}); a
 * {@link Reply.Moved}, {@link Reply.TryAgain} or {@link Reply.Fenced} for a routed request; an
 * exception if the callee threw (of the same type where the binding can rebuild it, else a
 * {@link RemoteFailureException}), or if the request cannot travel on this binding (an
 * {@link Request.InProcess} request on a copying binding: {@link IllegalStateException}; a key or
 * value the codecs cannot encode: {@link dev.slotgrid.spi.CodecException}; nothing was sent), or an
 * {@link IllegalStateException} if no member has that id.
 */
interface Transport extends AutoCloseable {

    /** A member as a transport delivers to it. */
    interface Endpoint {
        /** What {@link #readWithoutWaiting} answers for a read that has to wait. */
        Object MUST_WAIT = new Object() {
            @Override
            public String toString() {
                return "MUST_WAIT";
            }
        };

        /** Serves one request; see {@link Member#handle}. */
        Object handle(Request request);

        /**
         * Serves a single-key read if that needs no waiting, else answers {@link #MUST_WAIT} and
         * does nothing (a read of a slot whose latest writes its backups have not confirmed waits
         * for them): for a binding's event loop, which must not block.
         */
        default Object readWithoutWaiting(KeyRequest read) {
            return MUST_WAIT;
        }

        /** Serves one routed key request: {@link #handle} without its dispatch; see {@link Member#execute}. */
        default Object execute(KeyRequest request) {
            return handle(request);
        }

        /** Serves a {@link KeyRequest.Get} given by its fields (a binding by reference needs no record). */
        default Object get(int mapId, int slot, long epoch, Object key, int flags) {
            return execute(new KeyRequest.Get(mapId, slot, epoch, key, flags));
        }

        /** Serves a {@link KeyRequest.Put} given by its fields. */
        default Object put(int mapId, int slot, long epoch, Object key, int flags, Object value) {
            return execute(new KeyRequest.Put(mapId, slot, epoch, key, flags, value));
        }
    }

    /** Makes a member reachable under its id (replacing nothing: ids are never reused). */
    void bind(int memberId, Endpoint endpoint);

    /** Sends a request and waits for its outcome. */
    Object call(int memberId, Request request);

    /** As {@link #call}, for the hot path: one key request. */
    default Object callKey(int memberId, KeyRequest request) {
        return call(memberId, request);
    }

    /** As {@link #callKey} of a {@link KeyRequest.Get} with these fields; a binding by reference builds none. */
    default Object callGet(int memberId, int mapId, int slot, long epoch, Object key, int flags) {
        return callKey(memberId, new KeyRequest.Get(mapId, slot, epoch, key, flags));
    }

    /** As {@link #callKey} of a {@link KeyRequest.Put} with these fields; a binding by reference builds none. */
    default Object callPut(int memberId, int mapId, int slot, long epoch, Object key, int flags, Object value) {
        return callKey(memberId, new KeyRequest.Put(mapId, slot, epoch, key, flags, value));
    }

    /**
     * Sends a request; the future completes with its outcome as {@link #call} returns it, or
     * exceptionally as {@link #call} throws.
     */
    CompletableFuture<Object> send(int memberId, Request request);

    /**
     * Whether requests reach their callee by reference, so that {@link Request.InProcess} requests
     * (a caller's function) can travel.
     */
    boolean carriesReferences();

    @Override
    void close();
}
