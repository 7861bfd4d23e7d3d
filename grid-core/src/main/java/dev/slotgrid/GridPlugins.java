package dev.slotgrid;

import dev.slotgrid.spi.EntryProcessor;
import dev.slotgrid.spi.IndexExtractor;
import dev.slotgrid.spi.Merger;
import dev.slotgrid.spi.Plugin;
import dev.slotgrid.spi.Plugins;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The user functions a grid knows by name: index extractors, mergers and entry processors, each
 * registered on the grid or found through {@link java.util.ServiceLoader}. Messages name them; each
 * member resolves the name here (across processes every member must be given the same plugins).
 *
 * <p>Thread-safe: registrations are a concurrent map; a name found through ServiceLoader is cached
 * after the first look-up, which scans the class path (milliseconds).
 */
final class GridPlugins {

    private final ConcurrentHashMap<String, IndexExtractor> extractors = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Merger<?>> mergers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, EntryProcessor<?, ?, ?>> processors = new ConcurrentHashMap<>();

    void registerExtractor(IndexExtractor extractor) {
        register(extractors, Objects.requireNonNull(extractor, "extractor must not be null"), "index extractor", true);
    }

    void registerMerger(Merger<?> merger) {
        register(mergers, Objects.requireNonNull(merger, "merger must not be null"), "merger", false);
    }

    void registerProcessor(EntryProcessor<?, ?, ?> processor) {
        register(processors, Objects.requireNonNull(processor, "entry processor must not be null"), "entry processor", true);
    }

    /** {@code strict}: another instance under a taken name is refused; else the first one registered stays (same name, same function). */
    private static <T extends Plugin> void register(ConcurrentHashMap<String, T> registry, T plugin, String what,
            boolean strict) {
        String name = Objects.requireNonNull(plugin.name(), what + " name must not be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException(what + " name must not be blank");
        }
        T before = registry.putIfAbsent(name, plugin);
        if (strict && before != null && before != plugin) {
            throw new IllegalArgumentException("an " + what + " named '" + name + "' is already registered: " + before);
        }
    }

    IndexExtractor extractor(String name) {
        return resolve(extractors, IndexExtractor.class, name, "index extractor", "SlotGrid.registerExtractor");
    }

    @SuppressWarnings("unchecked")
    Merger<Object> merger(String name) {
        return (Merger<Object>) resolve(mergers, Merger.class, name, "Merger", "SlotGrid.declareMergeable");
    }

    @SuppressWarnings("unchecked")
    EntryProcessor<Object, Object, Object> processor(String name) {
        return (EntryProcessor<Object, Object, Object>) resolve(processors, EntryProcessor.class, name, "entry processor",
                "SlotGrid.registerProcessor");
    }

    /** The processor as a {@code compute} function of the stored key; the processor sees the caller's key. */
    BiFunction<Object, Object, Object> processorFunction(String name, Object argument) {
        EntryProcessor<Object, Object, Object> processor = processor(name);
        return (stored, current) -> processor.process(ByteArrayKey.userForm(stored), current, argument);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T extends Plugin> T resolve(ConcurrentHashMap registry, Class<T> contract, String name, String what,
            String how) {
        Objects.requireNonNull(name, () -> contract.getSimpleName() + " name must not be null");
        T registered = (T) registry.get(name);
        if (registered != null) {
            return registered;
        }
        try {
            T loaded = Plugins.load(contract, name);
            T raced = (T) registry.putIfAbsent(name, loaded);
            return raced != null ? raced : loaded;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("no " + what + " named '" + name + "': register one with "
                    + how + " or through META-INF/services/" + contract.getName() + "; registered: "
                    + new TreeSet<>(registry.keySet()) + "; " + e.getMessage(), e);
        }
    }
}
