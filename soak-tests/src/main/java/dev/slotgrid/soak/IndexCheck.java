package dev.slotgrid.soak;

import dev.slotgrid.IndexDefinition;
import dev.slotgrid.QueryResult;
import dev.slotgrid.SlotGrid;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The secondary-index invariant: a LOCAL and a GLOBAL index on {@code kv}, both by a bucket of
 * the value ({@value #BUCKETS} index values, about {@code keys / BUCKETS} keys each; each write of
 * a key moves it to another bucket), must answer what their recomputation from the model says.
 *
 * <ul>
 *   <li>While the load runs (once per interval, a random index value, the two indexes in turn):
 *       every entry a query returns must carry the queried index value and be a value written to
 *       its key ({@link Invariant#INDEX_MISMATCH}, {@link Invariant#CORRUPT_VALUE}). Queries are
 *       weakly consistent under writes, so nothing is said about entries missing.
 *   <li>At quiescence: for every index value and both indexes, the keys returned must be exactly
 *       the keys whose acknowledged value has that pad character, and the answer complete (the
 *       GLOBAL index read after it caught up, {@code awaitIndexed}); asked {@value #VALUES_PER_QUERY}
 *       index values at a time ({@code in}).
 * </ul>
 *
 * <p>Thread-safety: {@link #sample} is called by the sampling thread, {@link #checkFinal} after the
 * load; both only read the model.
 */
final class IndexCheck {

    static final String EXTRACTOR = "soak-bucket";
    static final String LOCAL = "kv-bucket-local";
    static final String GLOBAL = "kv-bucket-global";
    /** Index values. */
    static final int BUCKETS = 1024;
    /** Index values asked per query at the end ({@code in}). */
    static final int VALUES_PER_QUERY = 128;
    /** How long the final check waits for the GLOBAL index to catch up. */
    static final Duration CATCH_UP = Duration.ofSeconds(60);
    private static final String KEY_PREFIX = "key:";

    private final ViolationLog violations;
    private long queries;
    private long entriesChecked;

    IndexCheck(ViolationLog violations) {
        this.violations = violations;
    }

    /** Builds both indexes over what {@code kv} holds (the extractor is the {@link BucketExtractor} plugin). */
    static void install(SlotGrid grid, String mapName) {
        grid.addIndex(mapName, IndexDefinition.local(LOCAL, EXTRACTOR));
        grid.addIndex(mapName, IndexDefinition.global(GLOBAL, EXTRACTOR));
    }

    /**
     * A value's index value: a bucket of the key and write number it encodes ({@link KvModel#value}),
     * or {@code null} (not indexed) for a value that is not of that form.
     */
    static Integer bucketOf(String value) {
        int first = value.indexOf(':');
        int second = first < 0 ? -1 : value.indexOf(':', first + 1);
        if (second < 0) {
            return null;
        }
        try {
            long item = Long.parseLong(value, 0, first, 10);
            long seq = Long.parseLong(value, first + 1, second, 10);
            return bucket(item, seq);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static int bucket(long item, long seq) {
        return (int) Math.floorMod(item * 7919 + seq * 104_729, (long) BUCKETS);
    }

    /** One query while the load runs; checks each entry it returns. */
    void sample(SlotGrid grid, KvModel kv, SplittableRandom random) {
        Integer bucket = random.nextInt(BUCKETS);
        String index = queries % 2 == 0 ? LOCAL : GLOBAL;
        QueryResult<String, String> result = grid.<String, String>query("kv").eq(index, bucket).execute();
        queries++;
        for (Map.Entry<String, String> entry : result.entries()) {
            entriesChecked++;
            int item = itemOf(entry.getKey());
            String value = entry.getValue();
            if (item < 0 || value == null || kv.seqOfValue(item, value) < 0
                    || kv.seqOfValue(item, value) > KvModel.seqOf(kv.startedState(item))) {
                violations.report(Invariant.CORRUPT_VALUE, "query " + index + " = " + bucket + " returned "
                        + entry.getKey() + " = " + value + ", a value never written to that key");
            } else if (!bucket.equals(bucketOf(value))) {
                violations.report(Invariant.INDEX_MISMATCH, "query " + index + " = " + bucket + " returned "
                        + entry.getKey() + " whose value has index value " + bucketOf(value));
            }
        }
    }

    /**
     * Compares both indexes with their recomputation from the model, for every index value.
     *
     * @return figures for the report
     */
    Map<String, Long> checkFinal(SlotGrid grid, KvModel kv) {
        List<Set<String>> expected = new ArrayList<>(BUCKETS);
        for (int b = 0; b < BUCKETS; b++) {
            expected.add(new HashSet<>());
        }
        long present = 0;
        for (int item = 0; item < kv.size(); item++) {
            long state = kv.ackedState(item);
            if (!KvModel.isRemoved(state)) {
                expected.get(bucket(item, KvModel.seqOf(state))).add(kv.key(item));
                present++;
            }
        }
        long wrong = 0;
        for (String index : new String[] {LOCAL, GLOBAL}) {
            for (int from = 0; from < BUCKETS; from += VALUES_PER_QUERY) {
                List<Integer> values = new ArrayList<>();
                for (int b = from; b < Math.min(BUCKETS, from + VALUES_PER_QUERY); b++) {
                    values.add(b);
                }
                QueryResult<String, String> result = grid.<String, String>query("kv").in(index, values)
                        .awaitIndexed(CATCH_UP).execute();
                List<Set<String>> got = new ArrayList<>(BUCKETS);
                for (int b = 0; b < BUCKETS; b++) {
                    got.add(new HashSet<>());
                }
                for (Map.Entry<String, String> entry : result.entries()) {
                    Integer b = bucketOf(entry.getValue());
                    if (b != null) {
                        got.get(b).add(entry.getKey());
                    }
                }
                for (int b : values) {
                    if (!result.isComplete() || !got.get(b).equals(expected.get(b))) {
                        wrong++;
                        report(index, b, got.get(b), expected.get(b), result);
                    }
                }
            }
        }
        Map<String, Long> figures = new LinkedHashMap<>();
        figures.put("indexQueriesWhileRunning", queries);
        figures.put("indexEntriesCheckedWhileRunning", entriesChecked);
        figures.put("indexKeysComparedAtEnd", 2 * present);
        figures.put("indexValuesWrongAtEnd", wrong);
        return figures;
    }

    private void report(String index, int bucket, Set<String> got, Set<String> want, QueryResult<?, ?> result) {
        Set<String> missing = new HashSet<>(want);
        missing.removeAll(got);
        Set<String> extra = new HashSet<>(got);
        extra.removeAll(want);
        violations.report(Invariant.INDEX_MISMATCH, "final check: " + index + " = " + bucket + " answered " + got.size()
                + " keys (" + result.slotsAnswered() + "/" + result.slotsQueried() + " slots), the model " + want.size()
                + "; missing " + sample(missing) + ", unexpected " + sample(extra));
    }

    private static int itemOf(String key) {
        try {
            return key.startsWith(KEY_PREFIX) ? Integer.parseInt(key, KEY_PREFIX.length(), key.length(), 10) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String sample(Set<String> keys) {
        return keys.size() <= 5 ? keys.toString() : keys.stream().limit(5).toList() + " and " + (keys.size() - 5) + " more";
    }
}
