package dev.slotgrid.jmh;

import java.util.List;

/**
 * One implementation under test in {@link MapBenchmark} or {@link GetCostBenchmark}, loaded with
 * the benchmark's keys. Each JMH fork measures one implementation, so the call through this
 * interface is monomorphic and inlined.
 *
 * <p>Thread-safe as the map it wraps; {@link #close()} is called once, after the trial.
 */
interface MapTarget extends AutoCloseable {

    /** The {@code @Param} names of every implementation. */
    List<String> NAMES = List.of(ChmTarget.NAME, ChmTarget.OWNER_KEYS, ChmSlotsTarget.CRC16_ONLY, ChmSlotsTarget.NAME,
            SlotGridTarget.OWNER_LOCAL, SlotGridTarget.SAME_JVM_REMOTE, SlotGridTarget.SERIALIZING, HazelcastTarget.ONE_MEMBER,
            HazelcastTarget.THREE_MEMBERS, ChronicleTarget.NAME);

    /**
     * Starts the implementation named {@code name}.
     *
     * @param name one of {@link #NAMES}
     * @param size how many keys it will hold
     * @return the started, empty target; call {@link #load} next
     * @throws IllegalArgumentException if the name is unknown
     */
    static MapTarget start(String name, int size) {
        switch (name) {
            case ChmTarget.NAME:
                return new ChmTarget(false);
            case ChmTarget.OWNER_KEYS:
                return new ChmTarget(true);
            case ChmSlotsTarget.CRC16_ONLY:
                return new ChmSlotsTarget(true);
            case ChmSlotsTarget.NAME:
                return new ChmSlotsTarget(false);
            case SlotGridTarget.OWNER_LOCAL:
                return SlotGridTarget.ownerLocal();
            case SlotGridTarget.SAME_JVM_REMOTE:
                return SlotGridTarget.sameJvmRemote();
            case SlotGridTarget.SERIALIZING:
                return SlotGridTarget.serializing();
            case HazelcastTarget.ONE_MEMBER:
                return HazelcastTarget.start(1);
            case HazelcastTarget.THREE_MEMBERS:
                return HazelcastTarget.start(3);
            case ChronicleTarget.NAME:
                return new ChronicleTarget(size);
            default:
                throw new IllegalArgumentException("unknown implementation '" + name + "'; known: " + NAMES);
        }
    }

    /**
     * Whether this target wants {@code key} in its key set: those that mimic or are
     * {@code slotgrid-local} take only keys owned by the entry node, {@code slotgrid-remote} and
     * {@code slotgrid-serializing} only keys owned by another node; the others take every key.
     *
     * @param key a candidate key
     * @return {@code true} to take it
     */
    default boolean accepts(String key) {
        return true;
    }

    /**
     * Stores every key with its value; called once before measuring, from one thread.
     *
     * @param keys the keys
     * @param values their values, index for index
     */
    void load(String[] keys, Long[] values);

    /**
     * @param key a key
     * @return its value, or {@code null}
     */
    Long get(String key);

    /**
     * @param key a key
     * @param value its new value
     * @return the previous value, or {@code null}
     */
    Long put(String key, Long value);

    /** Stops the implementation and frees what it holds. */
    @Override
    void close();
}
