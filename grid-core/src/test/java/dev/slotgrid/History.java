package dev.slotgrid;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A recorder of a concurrent history of operations on registers (one register per key), for
 * {@link LinearizabilityChecker}: for each operation, who ran it, on which key, what it asked, when
 * it was invoked and when it completed ({@link System#nanoTime()}), and how it ended.
 *
 * <p>Usage, on each client's own thread: {@code long h = history.invoke(client, key, Op.read());}
 * before the call, then {@code history.ok(h, result)}, {@code history.fail(h)} or
 * {@code history.indeterminate(h)} after it returns or throws. The invoke time is taken before
 * {@code invoke} returns and the completion time first thing in {@code ok}/{@code fail}/
 * {@code indeterminate}, so each recorded interval contains the real call.
 *
 * <p>Assumes a client is one thread with at most one operation in flight, as a Jepsen process is
 * ({@code invoke} with one in flight throws). An operation still in flight when {@link #events()}
 * is read counts as indeterminate. {@link #record} adds an operation with explicit times, for
 * hand-written histories.
 *
 * <p>Concurrency: each client has its own log, guarded by the log's monitor, which only its own
 * thread takes while the history runs (uncontended); the map of logs is concurrent. Read
 * {@link #events()} after the clients have stopped (e.g. after joining their futures), which also
 * orders their last writes before the read.
 */
final class History {

    /** What an operation asks of a key's register. */
    enum Kind { READ, WRITE, CAS, DELETE }

    /** How an operation ended. */
    enum Outcome {
        /** It completed with a result. */
        OK,
        /** It was definitely not applied (e.g. an exception documented as "nothing changed"). */
        FAIL,
        /** It may or may not have been applied, at any time after its invocation (e.g. a lost reply). */
        INDETERMINATE
    }

    /**
     * An operation: a read; a write of a non-null value (a put; its result is ignored); a
     * compare-and-set from {@code value} to {@code newValue} (result {@code Boolean}); a delete (the
     * register becomes {@code null}; its result is ignored). Values are compared with
     * {@link Object#equals}; {@code null} means absent.
     */
    record Op(Kind kind, Object value, Object newValue) {

        Op {
            Objects.requireNonNull(kind, "kind");
            if (kind == Kind.WRITE || kind == Kind.CAS) {
                Objects.requireNonNull(kind == Kind.WRITE ? value : newValue, "the value written");
            }
        }

        static Op read() {
            return new Op(Kind.READ, null, null);
        }

        static Op write(Object value) {
            return new Op(Kind.WRITE, value, null);
        }

        static Op cas(Object expected, Object newValue) {
            return new Op(Kind.CAS, expected, newValue);
        }

        static Op delete() {
            return new Op(Kind.DELETE, null, null);
        }
    }

    /**
     * One recorded operation. {@code completeNanos} is when the client saw it end (for an
     * indeterminate one: when it gave up); {@code result} is meaningful only when {@link Outcome#OK}.
     */
    record Event(int client, Object key, Op op, long invokeNanos, long completeNanos, Outcome outcome, Object result) {

        Event {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(outcome, "outcome");
            if (completeNanos < invokeNanos) {
                throw new IllegalArgumentException("completed (" + completeNanos + ") before invoked (" + invokeNanos + ")");
            }
            if (outcome == Outcome.OK && op.kind() == Kind.CAS && !(result instanceof Boolean)) {
                throw new IllegalArgumentException("a cas that completed needs a Boolean result, was " + result);
            }
        }

        /**
         * As {@code c3 write(k7, 12) [t=1.234ms..1.301ms] ok}, times from {@code originNanos}.
         * An indeterminate operation reads {@code [t=1.234ms..inf, gave up at 1.301ms] indeterminate}.
         */
        String describe(long originNanos) {
            String call = switch (op.kind()) {
                case READ -> "read(" + key + ")" + (outcome == Outcome.OK ? " -> " + result : "");
                case WRITE -> "write(" + key + ", " + op.value() + ")";
                case CAS -> "cas(" + key + ", " + op.value() + ", " + op.newValue() + ")"
                        + (outcome == Outcome.OK ? " -> " + result : "");
                case DELETE -> "delete(" + key + ")";
            };
            String from = millis(invokeNanos - originNanos);
            String span = outcome == Outcome.INDETERMINATE
                    ? from + "..inf, gave up at " + millis(completeNanos - originNanos)
                    : from + ".." + millis(completeNanos - originNanos);
            return "c" + client + " " + call + " [t=" + span + "] " + outcome.name().toLowerCase(Locale.ROOT);
        }

        private static String millis(long nanos) {
            return String.format(Locale.ROOT, "%.3fms", nanos / 1e6);
        }
    }

    /** An operation invoked and not yet ended. */
    private record Pending(Object key, Op op, long invokeNanos) {
    }

    /** One client's operations, in invocation order; the last may be in flight. */
    private static final class ClientLog {
        final List<Event> ended = new ArrayList<>();
        Pending inFlight;
    }

    private final ConcurrentHashMap<Integer, ClientLog> logs = new ConcurrentHashMap<>();

    /**
     * Records the invocation of an operation; call it just before calling the system under test.
     *
     * @return the handle to end it with (the client's id, since a client has one operation in flight)
     * @throws IllegalStateException if the client has an operation in flight
     */
    long invoke(int client, Object key, Op op) {
        if (client < 0) {
            throw new IllegalArgumentException("client ids are non-negative, was " + client);
        }
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(op, "op");
        ClientLog log = logs.computeIfAbsent(client, c -> new ClientLog());
        synchronized (log) {
            if (log.inFlight != null) {
                throw new IllegalStateException("client " + client + " has an operation in flight: " + log.inFlight);
            }
            log.inFlight = new Pending(key, op, System.nanoTime());
        }
        return client;
    }

    /** Ends an operation that completed with {@code result} (the value read, the cas's Boolean). */
    void ok(long handle, Object result) {
        end(handle, System.nanoTime(), Outcome.OK, result);
    }

    /** Ends an operation that was definitely not applied. */
    void fail(long handle) {
        end(handle, System.nanoTime(), Outcome.FAIL, null);
    }

    /** Ends an operation that may or may not have been applied. */
    void indeterminate(long handle) {
        end(handle, System.nanoTime(), Outcome.INDETERMINATE, null);
    }

    private void end(long handle, long completeNanos, Outcome outcome, Object result) {
        int client = (int) handle;
        ClientLog log = logs.get(client);
        if (log == null) {
            throw new IllegalStateException("client " + client + " never invoked anything");
        }
        synchronized (log) {
            Pending pending = log.inFlight;
            if (pending == null) {
                throw new IllegalStateException("client " + client + " has no operation in flight");
            }
            log.inFlight = null;
            log.ended.add(new Event(client, pending.key(), pending.op(), pending.invokeNanos(), completeNanos, outcome,
                    result));
        }
    }

    /** Adds an operation with explicit times (hand-written histories); any client, any order. */
    void record(int client, Object key, Op op, long invokeNanos, long completeNanos, Outcome outcome, Object result) {
        ClientLog log = logs.computeIfAbsent(client, c -> new ClientLog());
        Event event = new Event(client, key, op, invokeNanos, completeNanos, outcome, result);
        synchronized (log) {
            log.ended.add(event);
        }
    }

    /**
     * Every operation recorded, by invocation time; one still in flight is indeterminate, as if it
     * gave up now.
     */
    List<Event> events() {
        long now = System.nanoTime();
        List<Event> all = new ArrayList<>();
        logs.forEach((client, log) -> {
            synchronized (log) {
                all.addAll(log.ended);
                Pending p = log.inFlight;
                if (p != null) {
                    all.add(new Event(client, p.key(), p.op(), p.invokeNanos(), Math.max(now, p.invokeNanos()),
                            Outcome.INDETERMINATE, null));
                }
            }
        });
        all.sort(Comparator.comparingLong(Event::invokeNanos));
        return all;
    }
}
