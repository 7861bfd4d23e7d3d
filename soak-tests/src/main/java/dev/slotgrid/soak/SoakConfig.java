package dev.slotgrid.soak;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The parameters of one soak run, parsed from {@code --name=value} (or {@code --name value})
 * arguments. Immutable. Every option, its default and its meaning are listed once, in
 * {@link #OPTIONS}; {@link #usage()} prints them.
 *
 * <p>Times are written {@code 500ms}, {@code 90s}, {@code 10m}, {@code 1h} (a bare number means
 * seconds); the spike's start and length may also be a share of the run, {@code 40%}.
 *
 * @param duration how long the load runs (the final check comes after it)
 * @param nodes nodes the grid starts with
 * @param keys distinct keys, in each of the two maps ({@code kv} and {@code counters})
 * @param valueSize characters per {@code kv} value
 * @param threads load threads; each owns the {@code kv} keys {@code i} with {@code i % threads == its index}
 * @param readPercent share of operations that are reads ({@code get}, checked against the model)
 * @param writePercent share that are owner writes on {@code kv} (put, replace, remove, putIfAbsent)
 * @param mergePercent share that are counter increments ({@code merge(key, d, Long::sum)})
 * @param zipfTheta the skew of key popularity: 0 is uniform, 0.99 is YCSB's default
 * @param spikeAt when the celebrity spike starts, from the start of the run
 * @param spikeFor how long the spike lasts ({@code 0} turns it off)
 * @param spikeMultiple the celebrity key's traffic during the spike, as a multiple of its normal traffic
 * @param spikeRank the celebrity's popularity rank (0 is the hottest key)
 * @param migrationsPerSecond single-slot live migrations requested per second, besides those of joins and leaves
 * @param migrationThrottle the grid's migration throttle, entries shipped per second by all migrations
 * @param migrationsInFlight the grid's cap on migrations running at once
 * @param indexes whether {@code kv} carries a LOCAL and a GLOBAL secondary index to check
 * @param hotKeys whether the grid acts on hot keys by itself ({@link dev.slotgrid.HotKeyPolicy#defaults()}),
 *     with {@code counters} declared mergeable ({@code long-sum}) and incremented mostly with {@code add}
 * @param saltChanges whether, after the spike, the harness changes the celebrity counter's part count
 *     under load (to 2, to nodes + 1, then 0) with the manual API ({@code SaltChanges}); needs {@code hotKeys}
 * @param churnEvery the pause between membership changes: a node joins, then the next time it leaves ({@code 0} off)
 * @param seed the seed of every random choice; printed so a failing run can be repeated
 * @param reportDir where the report directory of the run is created
 * @param sampleInterval the resolution of the report's time series
 * @param progressEvery how often a plain progress line is printed when no terminal is attached
 * @param maxOps a cap on all operations of the run, a second bound besides the duration
 * @param jvms 0: an embedded grid of {@code nodes} nodes in this JVM; 2 to 8: that many clustered
 *     members, each in its own JVM (this one and {@code jvms - 1} started by the run), and
 *     {@code nodes} is taken to be {@code jvms}; joins and leaves start and stop member processes
 * @param killEvery with {@code jvms}: the pause between kills, each a random member process (never
 *     this JVM's, nor one the churn joined) killed with {@code kill -9}, then a new one started in its place; the next kill
 *     waits until the grid has every copy again ({@code 0} off)
 */
public record SoakConfig(Duration duration, int nodes, int keys, int valueSize, int threads, int readPercent,
        int writePercent, int mergePercent, double zipfTheta, Duration spikeAt, Duration spikeFor,
        double spikeMultiple, int spikeRank, double migrationsPerSecond, long migrationThrottle,
        int migrationsInFlight, boolean indexes, boolean hotKeys, boolean saltChanges, Duration churnEvery, long seed,
        Path reportDir, Duration sampleInterval, Duration progressEvery, long maxOps, int jvms,
        Duration killEvery) {

    /** The most keys a run may use: the Zipf table and the model hold a few words per key. */
    public static final int MAX_KEYS = 5_000_000;

    /** Every option with its default and its meaning, in the order {@link #usage()} lists them. */
    public static final Map<String, String[]> OPTIONS = options();

    private static Map<String, String[]> options() {
        Map<String, String[]> o = new LinkedHashMap<>();
        o.put("duration", new String[] {"10m", "how long the load runs; the final check of every key follows"});
        o.put("nodes", new String[] {"3", "nodes the grid starts with"});
        o.put("keys", new String[] {"100000", "distinct keys in each of the maps kv and counters"});
        o.put("value-size", new String[] {"100", "characters per kv value"});
        o.put("threads", new String[] {"4", "load threads (each owns a disjoint share of the kv keys)"});
        o.put("mix", new String[] {"70/20/10", "read/write/merge percentages of operations"});
        o.put("zipf", new String[] {"0.99", "Zipf theta of key popularity (0 = uniform; >= 1 allowed)"});
        o.put("spike-at", new String[] {"40%", "when the celebrity spike starts (time, or % of duration)"});
        o.put("spike-for", new String[] {"10%", "how long the spike lasts (time, or % of duration; 0 = off)"});
        o.put("spike-multiple", new String[] {"40", "celebrity traffic during the spike / its normal traffic"});
        o.put("spike-rank", new String[] {"10", "popularity rank of the celebrity key (0 = hottest)"});
        o.put("migrations-per-sec", new String[] {"5", "single-slot live migrations requested per second (0 = off)"});
        o.put("migration-throttle", new String[] {"500000", "grid's migration throttle, entries per second"});
        o.put("migrations-in-flight", new String[] {"2", "grid's cap on slot migrations running at once"});
        o.put("indexes", new String[] {"on", "a LOCAL and a GLOBAL index on kv, checked against the model (on/off)"});
        o.put("hot-keys", new String[] {"on", "hot-key policy on: salting of write-hot counters, near cache of read-hot keys (on/off)"});
        o.put("salt-changes", new String[] {"on", "after the spike, re-salt the celebrity's counter to 2, nodes+1, 0 parts (on/off)"});
        o.put("churn-every", new String[] {"30s", "pause between membership changes: join, then leave (0 = off)"});
        o.put("seed", new String[] {"random", "seed of every random choice"});
        o.put("report-dir", new String[] {"soak-reports", "directory under which the run's report is written"});
        o.put("sample-interval", new String[] {"1s", "time resolution of the report's series"});
        o.put("progress-every", new String[] {"10s", "plain progress line period without a terminal"});
        o.put("max-ops", new String[] {"20000000000", "cap on operations of the whole run"});
        o.put("jvms", new String[] {"0", "0: nodes in this JVM; 2..8: that many members, each in its own JVM"});
        o.put("kill-every", new String[] {"0", "with jvms >= 3: kill -9 a member process this often, start another (0 = off)"});
        return java.util.Collections.unmodifiableMap(o);
    }

    /** Checks every value and names the first one out of range. */
    public SoakConfig {
        require(!duration.isNegative() && !duration.isZero(), "duration must be positive");
        require(nodes >= 1 && nodes <= 64, "nodes must be 1..64");
        require(keys >= threads && keys <= MAX_KEYS, "keys must be between threads and " + MAX_KEYS);
        require(valueSize >= 40 && valueSize <= 1 << 20, "value-size must be 40..1048576 characters");
        require(threads >= 1 && threads <= 256, "threads must be 1..256");
        require(readPercent >= 0 && writePercent >= 0 && mergePercent >= 0
                && readPercent + writePercent + mergePercent == 100, "mix must be three percentages summing to 100");
        require(zipfTheta >= 0 && zipfTheta <= 5, "zipf must be 0..5");
        require(!spikeAt.isNegative() && !spikeFor.isNegative(), "spike times must not be negative");
        require(spikeMultiple >= 1, "spike-multiple must be >= 1");
        require(spikeRank >= 0 && spikeRank < keys, "spike-rank must be 0..keys-1");
        require(migrationsPerSecond >= 0 && migrationsPerSecond <= 1000, "migrations-per-sec must be 0..1000");
        require(migrationThrottle >= 1 && migrationThrottle <= 1_000_000_000L, "migration-throttle must be 1..1e9");
        require(migrationsInFlight >= 1 && migrationsInFlight <= 64, "migrations-in-flight must be 1..64");
        require(!churnEvery.isNegative(), "churn-every must not be negative");
        require(sampleInterval.toMillis() >= 100, "sample-interval must be at least 100ms");
        require(!progressEvery.isNegative() && !progressEvery.isZero(), "progress-every must be positive");
        require(maxOps > 0, "max-ops must be positive");
        require(jvms == 0 || (jvms >= 2 && jvms <= 8), "jvms must be 0 or 2..8");
        require(jvms == 0 || nodes == jvms, "with jvms, nodes must equal jvms (each node is one member JVM)");
        require(!killEvery.isNegative(), "kill-every must not be negative");
        require(killEvery.isZero() || jvms >= 3, "kill-every needs jvms >= 3 (a member to kill besides this one, and a copy)");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Parses command-line arguments over the defaults.
     *
     * @param args {@code --name=value} or {@code --name value} pairs
     * @return the configuration
     * @throws IllegalArgumentException on an unknown option or a bad value, naming it
     */
    public static SoakConfig parse(String... args) {
        Map<String, String> values = new LinkedHashMap<>();
        OPTIONS.forEach((name, spec) -> values.put(name, spec[0]));
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("expected --option=value, got '" + arg + "'");
            }
            String name;
            String value;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(2, eq);
                value = arg.substring(eq + 1);
            } else {
                name = arg.substring(2);
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option --" + name + " needs a value");
                }
                value = args[++i];
            }
            if (!OPTIONS.containsKey(name)) {
                throw new IllegalArgumentException("unknown option --" + name + "; options: " + OPTIONS.keySet());
            }
            values.put(name, value);
        }
        try {
            return fromValues(values);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number: " + e.getMessage(), e);
        }
    }

    private static SoakConfig fromValues(Map<String, String> v) {
        Duration duration = parseDuration(v.get("duration"), null);
        String[] mix = v.get("mix").split("/");
        if (mix.length != 3) {
            throw new IllegalArgumentException("mix must be read/write/merge, e.g. 70/20/10, was " + v.get("mix"));
        }
        String seedText = v.get("seed");
        long seed = seedText.equals("random") ? ThreadLocalRandom.current().nextLong() : Long.parseLong(seedText);
        return new SoakConfig(duration, Integer.parseInt(v.get("nodes")), Integer.parseInt(v.get("keys")),
                Integer.parseInt(v.get("value-size")), Integer.parseInt(v.get("threads")), Integer.parseInt(mix[0]),
                Integer.parseInt(mix[1]), Integer.parseInt(mix[2]), Double.parseDouble(v.get("zipf")),
                parseDuration(v.get("spike-at"), duration), parseDuration(v.get("spike-for"), duration),
                Double.parseDouble(v.get("spike-multiple")), Integer.parseInt(v.get("spike-rank")),
                Double.parseDouble(v.get("migrations-per-sec")), Long.parseLong(v.get("migration-throttle")),
                Integer.parseInt(v.get("migrations-in-flight")), onOff("indexes", v.get("indexes")),
                onOff("hot-keys", v.get("hot-keys")), onOff("salt-changes", v.get("salt-changes")), parseDuration(v.get("churn-every"), null), seed,
                Path.of(v.get("report-dir")), parseDuration(v.get("sample-interval"), null),
                parseDuration(v.get("progress-every"), null), Long.parseLong(v.get("max-ops")),
                Integer.parseInt(v.get("jvms")), parseDuration(v.get("kill-every"), null));
    }

    private static boolean onOff(String name, String text) {
        return switch (text) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException(name + " must be on or off, was " + text);
        };
    }

    /**
     * Parses {@code 500ms}, {@code 90s}, {@code 10m}, {@code 1h}, a bare number of seconds, or, when
     * {@code whole} is given, a percentage of it.
     */
    static Duration parseDuration(String text, Duration whole) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("%")) {
            if (whole == null) {
                throw new IllegalArgumentException("a percentage is not allowed here: " + text);
            }
            double share = Double.parseDouble(t.substring(0, t.length() - 1)) / 100;
            return Duration.ofMillis(Math.round(whole.toMillis() * share));
        }
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        char unit = t.charAt(t.length() - 1);
        double amount = Character.isDigit(unit) ? Double.parseDouble(t) : Double.parseDouble(t.substring(0, t.length() - 1));
        double seconds = switch (unit) {
            case 'h' -> amount * 3600;
            case 'm' -> amount * 60;
            case 's' -> amount;
            default -> {
                if (!Character.isDigit(unit)) {
                    throw new IllegalArgumentException("unknown time unit in '" + text + "'; use ms, s, m or h");
                }
                yield amount;
            }
        };
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    /** @return the option table as printed by {@code --help} */
    public static String usage() {
        StringBuilder out = new StringBuilder("Usage: ./soak [--option=value ...]\n\nOptions (default in brackets):\n");
        OPTIONS.forEach((name, spec) -> out.append(String.format("  --%-20s %s [%s]%n", name, spec[1], spec[0])));
        return out.toString();
    }

    /**
     * The arguments that repeat this run exactly (seed included).
     *
     * @return {@code --name=value} strings for every option
     */
    public List<String> toArgs() {
        List<String> args = new ArrayList<>();
        args.add("--duration=" + format(duration));
        args.add("--nodes=" + nodes);
        args.add("--keys=" + keys);
        args.add("--value-size=" + valueSize);
        args.add("--threads=" + threads);
        args.add("--mix=" + readPercent + "/" + writePercent + "/" + mergePercent);
        args.add("--zipf=" + zipfTheta);
        args.add("--spike-at=" + format(spikeAt));
        args.add("--spike-for=" + format(spikeFor));
        args.add("--spike-multiple=" + spikeMultiple);
        args.add("--spike-rank=" + spikeRank);
        args.add("--migrations-per-sec=" + migrationsPerSecond);
        args.add("--migration-throttle=" + migrationThrottle);
        args.add("--migrations-in-flight=" + migrationsInFlight);
        args.add("--indexes=" + (indexes ? "on" : "off"));
        args.add("--hot-keys=" + (hotKeys ? "on" : "off"));
        args.add("--salt-changes=" + (saltChanges ? "on" : "off"));
        args.add("--churn-every=" + format(churnEvery));
        args.add("--seed=" + seed);
        args.add("--report-dir=" + reportDir);
        args.add("--sample-interval=" + format(sampleInterval));
        args.add("--progress-every=" + format(progressEvery));
        args.add("--max-ops=" + maxOps);
        args.add("--jvms=" + jvms);
        args.add("--kill-every=" + format(killEvery));
        return args;
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** @return whether the run has a celebrity spike */
    public boolean hasSpike() {
        return !spikeFor.isZero() && spikeMultiple > 1 && spikeAt.compareTo(duration) < 0;
    }
}
