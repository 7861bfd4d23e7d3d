package dev.slotgrid;

import dev.slotgrid.History.Event;
import dev.slotgrid.History.Kind;
import dev.slotgrid.History.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Checks whether a {@link History} of register operations is linearizable: whether some total
 * order of its operations, each placed between its invocation and its completion, is a legal
 * sequential run of one register per key that starts absent ({@code null}).
 *
 * <p>The search is Wing and Gong's, with Lowe's memoization (as Knossos and Porcupine do): keys are
 * checked one at a time (a history of independent registers is linearizable iff each key's
 * sub-history is, by P-compositionality). For one key, the invocations and completions form a
 * list by time; an operation may be linearized next iff it was invoked before the earliest
 * completion among those not yet linearized, and the register model accepts it. A depth-first
 * search linearizes such operations, backtracks when it meets a completion whose operation is not
 * yet linearized, and never revisits a (set of linearized operations, register value) pair.
 *
 * <p>What it assumes of the history: values written are unique enough for the question asked (the
 * checker needs no uniqueness, but a test that wants a stale read to be provably wrong does);
 * reads that did not complete OK and operations that {@link Outcome#FAIL failed} constrain
 * nothing and are dropped; an {@link Outcome#INDETERMINATE indeterminate} write, cas or delete may
 * take effect at any point after its invocation or never (its completion is +infinity and the
 * search need not linearize it). Writes' and deletes' results are not checked.
 *
 * <p>Bounded: at most {@code maxStatesPerKey} pairs explored per key and one deadline for the
 * whole check; a key that exceeds either is {@link Verdict#UNKNOWN}, never a pass. Not
 * thread-safe; one check at a time per instance.
 */
final class LinearizabilityChecker {

    static final long DEFAULT_MAX_STATES_PER_KEY = 2_000_000;
    static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);
    /** Operations linearized just before the deepest point, shown in a failure. */
    private static final int CONTEXT_OPS = 6;
    /** The deadline is read once per this many search steps. */
    private static final int CLOCK_EVERY_STEPS = 1024;

    enum Verdict { LINEARIZABLE, NOT_LINEARIZABLE, UNKNOWN }

    /** One key's answer; {@code detail} explains a verdict other than linearizable. */
    record KeyResult(Object key, Verdict verdict, int ops, long statesExplored, String detail) {
    }

    /**
     * The answer for a history: not linearizable if any key is not, else unknown if any key's
     * search was cut short, else linearizable. {@link #message()} names every key that is not
     * linearizable with the point where its search got stuck.
     */
    record Result(Verdict verdict, List<KeyResult> keys, String message) {

        boolean linearizable() {
            return verdict == Verdict.LINEARIZABLE;
        }

        @Override
        public String toString() {
            return message;
        }
    }

    private final long maxStatesPerKey;
    private final Duration deadline;

    /** With {@value #DEFAULT_MAX_STATES_PER_KEY} states per key and a 30 s deadline. */
    LinearizabilityChecker() {
        this(DEFAULT_MAX_STATES_PER_KEY, DEFAULT_DEADLINE);
    }

    LinearizabilityChecker(long maxStatesPerKey, Duration deadline) {
        if (maxStatesPerKey < 1) {
            throw new IllegalArgumentException("maxStatesPerKey must be positive, was " + maxStatesPerKey);
        }
        this.maxStatesPerKey = maxStatesPerKey;
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    Result check(History history) {
        return check(history.events());
    }

    Result check(List<Event> events) {
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        long origin = events.stream().mapToLong(Event::invokeNanos).min().orElse(0);
        Map<Object, List<Event>> byKey = new LinkedHashMap<>();
        for (Event e : events) {
            if (constrains(e)) {
                byKey.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e);
            }
        }
        List<KeyResult> results = new ArrayList<>();
        for (Map.Entry<Object, List<Event>> key : byKey.entrySet()) {
            results.add(new KeySearch(key.getKey(), key.getValue(), origin, deadlineNanos).run());
        }
        return summarize(results, events.size());
    }

    private static boolean constrains(Event e) {
        return switch (e.outcome()) {
            case OK -> true;
            case FAIL -> false;
            case INDETERMINATE -> e.op().kind() != Kind.READ;
        };
    }

    private Result summarize(List<KeyResult> results, int events) {
        List<KeyResult> bad = results.stream().filter(r -> r.verdict() == Verdict.NOT_LINEARIZABLE).toList();
        List<KeyResult> unknown = results.stream().filter(r -> r.verdict() == Verdict.UNKNOWN).toList();
        long states = results.stream().mapToLong(KeyResult::statesExplored).sum();
        StringBuilder text = new StringBuilder();
        Verdict verdict;
        if (!bad.isEmpty()) {
            verdict = Verdict.NOT_LINEARIZABLE;
            text.append("NOT linearizable: ").append(bad.size()).append(" of ").append(results.size())
                    .append(" keys have no linearization (").append(events).append(" operations recorded)");
            bad.forEach(r -> text.append("\n\n").append(r.detail()));
        } else if (!unknown.isEmpty()) {
            verdict = Verdict.UNKNOWN;
            text.append("UNKNOWN (budget exceeded): ").append(unknown.size()).append(" of ").append(results.size())
                    .append(" keys not decided");
        } else {
            verdict = Verdict.LINEARIZABLE;
            text.append("linearizable: ").append(results.size()).append(" keys, ").append(events)
                    .append(" operations recorded, ").append(states).append(" states explored");
        }
        unknown.forEach(r -> text.append("\n").append(r.detail()));
        return new Result(verdict, List.copyOf(results), text.toString());
    }

    /**
     * A (linearized operations, register value) pair already explored. The set is kept as the
     * number of leading 64-bit words that are all ones and the words after them: along a search the
     * linearized operations are nearly a prefix of the invocation order, so a pair costs a few words,
     * not one bit per operation of the key.
     */
    private record Visited(int fullWords, long[] rest, Object value) {

        static Visited of(BitSet linearized, Object value) {
            int fullWords = linearized.nextClearBit(0) >>> 6;
            long[] rest = linearized.get(fullWords << 6, Math.max(fullWords << 6, linearized.length())).toLongArray();
            return new Visited(fullWords, rest, value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Visited v && fullWords == v.fullWords && Arrays.equals(rest, v.rest)
                    && Objects.equals(value, v.value);
        }

        @Override
        public int hashCode() {
            return (fullWords * 31 + Arrays.hashCode(rest)) * 31 + Objects.hashCode(value);
        }
    }

    /**
     * The search over one key's operations. The time-ordered list of invocations and completions is
     * a doubly linked list over arrays (entries {@code 0..2n-1}, the head sentinel last): linearizing
     * an operation unlinks its entries and backtracking relinks them in reverse order, so each
     * unlinked entry still knows its neighbours (dancing links).
     */
    private final class KeySearch {

        private static final int NONE = -1;
        /** The register model's answer for an operation it cannot accept in the current state. */
        private static final Object REJECTED = new Object();

        private final Object key;
        private final List<Event> ops;
        private final long origin;
        private final long deadlineNanos;

        private final int head;
        private final int[] next;
        private final int[] prev;
        /** For an entry: its operation. */
        private final int[] opOf;
        /** For an operation: its completion entry, or {@link #NONE} for an indeterminate one. */
        private final int[] completionOf;

        private int deepest = NONE;
        private Object deepestValue;
        private List<Integer> deepestTail = List.of();
        private List<Integer> deepestCandidates = List.of();
        private int deepestBlocker;

        KeySearch(Object key, List<Event> ops, long origin, long deadlineNanos) {
            this.key = key;
            this.ops = ops;
            this.origin = origin;
            this.deadlineNanos = deadlineNanos;
            int n = ops.size();
            head = 2 * n;
            next = new int[2 * n + 1];
            prev = new int[2 * n + 1];
            opOf = new int[2 * n];
            completionOf = new int[n];
            buildList();
        }

        /** Entries by time; at equal times invocations first, so touching operations count as concurrent. */
        private void buildList() {
            int n = ops.size();
            List<long[]> points = new ArrayList<>(2 * n); // {time, 0 = invocation | 1 = completion, op}
            for (int i = 0; i < n; i++) {
                Event e = ops.get(i);
                points.add(new long[] {e.invokeNanos(), 0, i});
                if (e.outcome() == Outcome.OK) {
                    points.add(new long[] {e.completeNanos(), 1, i});
                }
                completionOf[i] = NONE;
            }
            points.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
            int[] invocationOf = new int[n];
            int last = head;
            for (int entry = 0; entry < points.size(); entry++) {
                long[] p = points.get(entry);
                int op = (int) p[2];
                opOf[entry] = op;
                if (p[1] == 0) {
                    invocationOf[op] = entry;
                } else {
                    completionOf[op] = entry;
                }
                next[last] = entry;
                prev[entry] = last;
                last = entry;
            }
            next[last] = NONE;
        }

        private boolean isInvocation(int entry) {
            return completionOf[opOf[entry]] != entry;
        }

        private void unlink(int entry) {
            next[prev[entry]] = next[entry];
            if (next[entry] != NONE) {
                prev[next[entry]] = prev[entry];
            }
        }

        private void relink(int entry) {
            next[prev[entry]] = entry;
            if (next[entry] != NONE) {
                prev[next[entry]] = entry;
            }
        }

        private void lift(int invocation) {
            unlink(invocation);
            int completion = completionOf[opOf[invocation]];
            if (completion != NONE) {
                unlink(completion);
            }
        }

        private void unlift(int invocation) {
            int completion = completionOf[opOf[invocation]];
            if (completion != NONE) {
                relink(completion);
            }
            relink(invocation);
        }

        /** The register after {@code op} from {@code value}, or {@link #REJECTED}. */
        private Object step(Object value, Event op) {
            boolean known = op.outcome() == Outcome.OK;
            return switch (op.op().kind()) {
                case READ -> Objects.equals(value, op.result()) ? value : REJECTED;
                case WRITE -> op.op().value();
                case DELETE -> null;
                case CAS -> {
                    boolean matches = Objects.equals(value, op.op().value());
                    if (!known) {
                        yield matches ? op.op().newValue() : value;
                    }
                    boolean succeeded = (Boolean) op.result();
                    yield succeeded != matches ? REJECTED : matches ? op.op().newValue() : value;
                }
            };
        }

        KeyResult run() {
            int n = ops.size();
            int required = (int) ops.stream().filter(e -> e.outcome() == Outcome.OK).count();
            BitSet linearized = new BitSet(n);
            Set<Visited> visited = new HashSet<>();
            int[] stackEntry = new int[n];
            Object[] stackValue = new Object[n];
            int depth = 0;
            Object value = null;
            long steps = 0;
            int entry = next[head];
            while (required > 0) {
                if (steps++ % CLOCK_EVERY_STEPS == 0 && System.nanoTime() - deadlineNanos >= 0) {
                    return unknown(visited.size(), "the deadline of " + deadline.toMillis() + " ms passed");
                }
                if (entry != NONE && isInvocation(entry)) {
                    int op = opOf[entry];
                    Object after = step(value, ops.get(op));
                    if (after != REJECTED) {
                        linearized.set(op);
                        if (visited.add(Visited.of(linearized, after))) {
                            if (visited.size() > maxStatesPerKey) {
                                return unknown(visited.size(), "more than " + maxStatesPerKey + " states explored");
                            }
                            stackEntry[depth] = entry;
                            stackValue[depth] = value;
                            depth++;
                            value = after;
                            lift(entry);
                            if (ops.get(op).outcome() == Outcome.OK) {
                                required--;
                            }
                            entry = next[head];
                            continue;
                        }
                        linearized.clear(op);
                    }
                    entry = next[entry];
                } else {
                    // a completion (or the end, which only indeterminate invocations precede): the
                    // operations not yet linearized before it cannot all be placed from here
                    if (depth > deepest) {
                        rememberDeepest(depth, value, stackEntry, entry);
                    }
                    if (depth == 0) {
                        return new KeyResult(key, Verdict.NOT_LINEARIZABLE, n, visited.size(), failure());
                    }
                    depth--;
                    entry = stackEntry[depth];
                    value = stackValue[depth];
                    int op = opOf[entry];
                    linearized.clear(op);
                    unlift(entry);
                    if (ops.get(op).outcome() == Outcome.OK) {
                        required++;
                    }
                    entry = next[entry];
                }
            }
            return new KeyResult(key, Verdict.LINEARIZABLE, n, visited.size(), "key " + key + ": linearizable");
        }

        private KeyResult unknown(long states, String why) {
            return new KeyResult(key, Verdict.UNKNOWN, ops.size(), states,
                    "UNKNOWN (budget exceeded) for key " + key + ": " + why + " (" + ops.size() + " operations)");
        }

        private void rememberDeepest(int depth, Object value, int[] stackEntry, int blockingEntry) {
            deepest = depth;
            deepestValue = value;
            List<Integer> tail = new ArrayList<>();
            for (int i = Math.max(0, depth - CONTEXT_OPS); i < depth; i++) {
                tail.add(opOf[stackEntry[i]]);
            }
            deepestTail = tail;
            List<Integer> candidates = new ArrayList<>();
            for (int e = next[head]; e != blockingEntry; e = next[e]) {
                candidates.add(opOf[e]);
            }
            deepestCandidates = candidates;
            deepestBlocker = blockingEntry == NONE ? NONE : opOf[blockingEntry];
        }

        private String failure() {
            long indeterminate = ops.stream().filter(e -> e.outcome() == Outcome.INDETERMINATE).count();
            StringBuilder text = new StringBuilder();
            text.append("key ").append(key).append(": NOT linearizable. No linearization extends past ")
                    .append(deepest).append(" of its ").append(ops.size()).append(" operations (")
                    .append(indeterminate).append(" of them indeterminate).\nAt the deepest point the search reached, the register held ")
                    .append(deepestValue).append(", after:");
            if (deepestTail.isEmpty()) {
                text.append("\n    (nothing: the initial absent register)");
            }
            deepestTail.forEach(op -> text.append("\n    ").append(ops.get(op).describe(origin)));
            text.append("\nand none of the operations that could come next fits (each invoked before the earliest"
                    + " pending completion):");
            deepestCandidates.forEach(op -> text.append("\n    ").append(ops.get(op).describe(origin))
                    .append(op == deepestBlocker ? "   <- completes first: must be placed by then" : ""));
            return text.toString();
        }
    }
}
