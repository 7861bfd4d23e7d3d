package dev.slotgrid;

import dev.slotgrid.hotkey.MicroBatcher;
import dev.slotgrid.slot.SlotTable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The entry side of one member: computes a key's owner from the member's table, sends the request
 * through the transport, and follows the owner's redirects (docs/architecture.md, "The walls
 * between members").
 *
 * <p>Thread-safe and stateless per call. The table is the member's own, read once per attempt; a
 * redirect makes the router adopt the authority's newest table into its member.
 */
final class Router {

    private final Member member;
    private final Transport transport;
    private final Coordinator coordinator;
    final LongAdder redirectsFollowed = new LongAdder();
    final LongAdder tryAgainRetries = new LongAdder();
    final LongAdder batches = new LongAdder();
    final LongAdder batchedRequests = new LongAdder();
    /** Outgoing batches of asynchronous calls, one per owner. */
    private final ConcurrentHashMap<Integer, MicroBatcher<AsyncRequest>> outgoing = new ConcurrentHashMap<>();

    Router(Member member, Transport transport, Coordinator coordinator) {
        this.member = member;
        this.transport = transport;
        this.coordinator = coordinator;
    }

    Transport transport() {
        return transport;
    }

    Coordinator coordinator() {
        return coordinator;
    }

    SlotTable table() {
        return member.table();
    }

    /** The flags a request routed to {@code slot} for a key whose own slot is {@code natural} carries. */
    static int pinFlags(int slot, int natural) {
        return slot == natural ? 0 : KeyRequest.PIN_ROUTED;
    }

    /** The slot the key directory pins a key to, or {@code natural}. Allocation only when some key is pinned. */
    static int pinned(SlotTable table, int mapId, Object key, int natural) {
        return table.hasPins() ? table.pinnedSlot(new KeyDirectory.PinnedKey(mapId, key), natural) : natural;
    }

    /**
     * Sends a request built for {@code table} to its slot's owner and follows redirects. Every
     * outcome of the owner ({@link Reply}) is handled here:
     * <ul>
     *   <li>a value: returned;
     *   <li>MOVED / FENCED: adopt the authority's newest table, go to the owner the reply names (or the
     *       table's), routed with the newer epoch; past {@code maxRedirects} an
     *       {@link IllegalStateException};
     *   <li>TRYAGAIN: the slot is in its cutover window; spin, yield, then park with a growing pause
     *       and go again, up to the configured cutover timeout ({@link IllegalStateException});
     *   <li>MOVED / FENCED from a member whose table is older than ours, that ours sends us back to:
     *       the newest table has not reached it yet; waited for like a TRYAGAIN, not counted as a
     *       redirect.
     * </ul>
     * A failure of the owner is thrown as it comes.
     *
     * @param natural the key's own slot (the request's slot unless the directory pins the key)
     * @param honourPins {@code false} sends the request to its slot whatever the directory says
     */
    Object route(KeyRequest request, int natural, boolean honourPins) {
        int target = member.table().ownerOf(request.slot());
        Object reply;
        try {
            reply = transport.callKey(target, request);
        } catch (dev.slotgrid.spi.CodecException e) {
            throw withMap(e, request.mapId());
        }
        // the common case stays small enough to be inlined into the caller: one send, a value back
        return reply instanceof Reply ? redirected(request, natural, honourPins, target, (Reply) reply) : reply;
    }

    /** A get built from the member's current table and sent; as {@link #route} of a {@link KeyRequest.Get}. */
    Object get(int mapId, int natural, Object key) {
        SlotTable table = member.table();
        int slot = pinned(table, mapId, key, natural);
        int flags = pinFlags(slot, natural);
        int target = table.ownerOf(slot);
        Object reply;
        try {
            reply = transport.callGet(target, mapId, slot, table.epoch(), key, flags);
        } catch (dev.slotgrid.spi.CodecException e) {
            throw withMap(e, mapId);
        }
        return reply instanceof Reply
                ? redirected(new KeyRequest.Get(mapId, slot, table.epoch(), key, flags), natural, true, target, (Reply) reply)
                : reply;
    }

    /** A put built from the member's current table and sent; as {@link #route} of a {@link KeyRequest.Put}. */
    Object put(int mapId, int natural, Object key, Object value) {
        SlotTable table = member.table();
        int slot = pinned(table, mapId, key, natural);
        int flags = pinFlags(slot, natural);
        int target = table.ownerOf(slot);
        Object reply;
        try {
            reply = transport.callPut(target, mapId, slot, table.epoch(), key, flags, value);
        } catch (dev.slotgrid.spi.CodecException e) {
            throw withMap(e, mapId);
        }
        return reply instanceof Reply ? redirected(new KeyRequest.Put(mapId, slot, table.epoch(), key, flags, value), natural,
                true, target, (Reply) reply) : reply;
    }

    private Object redirected(KeyRequest request, int natural, boolean honourPins, int target, Reply first) {
        try {
            return routeLoop(request, natural, honourPins, target, first);
        } catch (dev.slotgrid.spi.CodecException e) {
            throw withMap(e, request.mapId());
        }
    }

    /** A codec's refusal, with the map it was for: nothing was sent. */
    dev.slotgrid.spi.CodecException withMap(dev.slotgrid.spi.CodecException e, int mapId) {
        String map;
        try {
            map = member.catalog().nameOf(mapId);
        } catch (IllegalStateException unknown) {
            map = "#" + mapId;
        }
        return e.withContext("map '" + map + "'; nothing was written");
    }

    private Object routeLoop(KeyRequest request, int natural, boolean honourPins, int firstTarget, Reply firstReply) {
        int target = firstTarget;
        Object reply = firstReply;
        int redirects = 0;
        int waits = 0;
        long waitingSince = 0;
        for (;;) {
            if (!(reply instanceof Reply)) {
                return reply;
            }
            int slot = request.slot();
            int knownOwner = -1;
            long knownEpoch = 0;
            boolean wait;
            if (reply instanceof Reply.TryAgain) {
                wait = true;
            } else if (reply instanceof Reply.Moved moved) {
                knownOwner = moved.owner();
                knownEpoch = moved.epoch();
                wait = false;
            } else if (reply instanceof Reply.Fenced fenced) {
                knownEpoch = fenced.epoch();
                wait = false;
            } else {
                throw new IllegalStateException("unexpected reply " + reply + " to " + request.type());
            }
            if (!wait) {
                refreshTable();
            }
            SlotTable routing = member.table();
            int routed = honourPins ? pinned(routing, request.mapId(), request.key(), natural) : slot;
            // a MOVED newer than our (refreshed) table knows the owner better than the table does
            int next = routed == slot && knownOwner >= 0 && knownEpoch >= routing.epoch() ? knownOwner
                    : routing.ownerOf(routed);
            if (!wait && next == target && routed == slot && knownEpoch < routing.epoch()) {
                // the member that answered is behind our table, which sends us back to it: the newest table has
                // not reached it yet. Wait for it, as for a cutover, rather than spend redirects in a tight loop.
                wait = true;
            }
            if (wait) {
                if (waits == 0) {
                    waitingSince = System.nanoTime();
                }
                tryAgainRetries.increment();
                backOff(waits++, waitingSince, slot);
            } else {
                redirectsFollowed.increment();
                if (++redirects > member.config().maxRedirects()) {
                    throw new IllegalStateException("gave up routing " + request.type() + " for slot " + slot + " after "
                            + member.config().maxRedirects() + " redirects; last: " + reply);
                }
            }
            target = next;
            int flags = (request.flags() & ~KeyRequest.PIN_ROUTED) | (honourPins ? pinFlags(routed, natural) : 0);
            request = request.to(routed, Math.max(routing.epoch(), knownEpoch), flags);
            reply = transport.callKey(target, request);
        }
    }

    /** Builds nothing: routes a request already built for the member's current table, honouring pins. */
    Object route(KeyRequest request, int natural) {
        return route(request, natural, true);
    }

    private void backOff(int tries, long since, int slot) {
        if (Backoff.parks(tries)) {
            long waited = System.nanoTime() - since;
            if (waited > member.config().cutoverTimeoutNanos()) {
                throw new IllegalStateException("slot " + slot + " stayed in its cutover window for "
                        + TimeUnit.NANOSECONDS.toMillis(waited) + " ms; the migration that sealed it is stuck");
            }
        }
        Backoff.pause(tries);
    }

    /** Adopts the authority's newest table: the in-JVM equivalent of asking for CLUSTER SLOTS. */
    void refreshTable() {
        member.adopt(coordinator.latest());
    }

    /**
     * Queues an asynchronous call for the owner this member's table names, in that owner's batch:
     * calls that arrive together travel together. The batch runs on the thread of one of the callers
     * (flat combining: no thread of its own), each call through {@link #route}, so redirects and
     * retries are handled as for a synchronous call.
     */
    void submit(AsyncRequest request) {
        int owner = member.table().ownerOf(request.request().slot());
        MicroBatcher<AsyncRequest> batcher = outgoing.get(owner); // no capturing lambda per call
        (batcher != null ? batcher : outgoing.computeIfAbsent(owner, o -> new MicroBatcher<>(64, batch -> {
            batches.increment();
            batchedRequests.add(batch.size());
            boolean pipeline = !transport.carriesReferences();
            for (AsyncRequest r : batch) {
                if (pipeline) {
                    pipelined(r);
                    continue;
                }
                try {
                    r.result().complete(route(r.request(), r.natural()));
                } catch (RuntimeException | Error e) {
                    r.result().completeExceptionally(e);
                }
            }
        }))).submit(request);
    }

    /**
     * Over a network: the batch's requests are written one after another without waiting (they
     * travel together, and their replies come back in any order), each after the previous one
     * for its slot; a reply that redirects is followed on another thread (never on the
     * transport's), as {@link #route} would.
     */
    private void pipelined(AsyncRequest r) {
        // Order per slot: the members serve requests on a pool, in any order, so a call waits for this
        // router's previous call to the same slot to complete before it is sent (the calls of one
        // slot go one after another, as they did in one batch; calls of different slots overlap).
        int slot = r.request().slot();
        CompletableFuture<Object> done = r.result();
        CompletableFuture<Object> previous = lastBySlot.put(slot, done);
        done.whenComplete((value, failure) -> lastBySlot.remove(slot, done));
        if (previous == null || previous.isDone()) {
            sendPipelined(r);
        } else {
            previous.whenComplete((value, failure) -> followUps().execute(() -> sendPipelined(r)));
        }
    }

    /** The last async call sent or queued per slot (removed once it completes). */
    private final ConcurrentHashMap<Integer, CompletableFuture<Object>> lastBySlot = new ConcurrentHashMap<>();

    private void sendPipelined(AsyncRequest r) {
        int target = member.table().ownerOf(r.request().slot());
        CompletableFuture<Object> sent;
        try {
            sent = transport.send(target, r.request());
        } catch (dev.slotgrid.spi.CodecException e) {
            r.result().completeExceptionally(withMap(e, r.request().mapId()));
            return;
        } catch (RuntimeException | Error e) {
            r.result().completeExceptionally(e);
            return;
        }
        sent.whenComplete((reply, failure) -> {
            if (failure != null) {
                r.result().completeExceptionally(failure instanceof java.util.concurrent.CompletionException
                        && failure.getCause() != null ? failure.getCause() : failure);
            } else if (!(reply instanceof Reply)) {
                r.result().complete(reply);
            } else {
                followUps().execute(() -> {
                    try {
                        r.result().complete(redirected(r.request(), r.natural(), true, target, (Reply) reply));
                    } catch (RuntimeException | Error e) {
                        r.result().completeExceptionally(e);
                    }
                });
            }
        });
    }

    private volatile java.util.concurrent.ExecutorService followUps;

    private java.util.concurrent.ExecutorService followUps() {
        java.util.concurrent.ExecutorService pool = followUps;
        if (pool == null) {
            synchronized (this) {
                pool = followUps;
                if (pool == null) {
                    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
                    pool = java.util.concurrent.Executors.newCachedThreadPool(task -> {
                        Thread thread = new Thread(task, "slotgrid-" + member.name() + "-redirects-" + n.incrementAndGet());
                        thread.setDaemon(true);
                        return thread;
                    });
                    followUps = pool;
                }
            }
        }
        return pool;
    }

    /** Sends a request that is not routed by slot and returns its value; a failure is thrown. */
    Object ask(int memberId, Request request) {
        return transport.call(memberId, request);
    }

    /** As {@link #ask}, as a future. */
    CompletableFuture<Object> askAsync(int memberId, Request request) {
        return transport.send(memberId, request);
    }
}
