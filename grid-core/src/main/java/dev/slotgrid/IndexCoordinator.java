package dev.slotgrid;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The control plane's side of secondary indexes (docs/architecture.md, "Secondary indexes"): their
 * definitions and states, adding one while traffic runs (install on every member, wait for writers
 * in flight, build), waiting for the GLOBAL outboxes, and verification. Every member's part is done
 * by its {@link MemberIndexes}, reached only through messages ({@link IndexRequest}).
 *
 * <p>Concurrency: additions are serialized on this object; the definitions are a concurrent map of
 * immutable {@link IndexSet}s, each replaced whole.
 *
 * <p>Invariants: index ids and the internal maps of GLOBAL indexes are never reused; an index is
 * queried only once READY; a member learns an index before any write it serves must maintain it.
 */
final class IndexCoordinator {

    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration VERIFY_DRAIN_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_SAMPLES = 10;

    private final Cluster cluster;
    private final ConcurrentHashMap<Integer, IndexSet> byMap = new ConcurrentHashMap<>();
    /** @GuardedBy("this") */
    private int nextIndexId;
    private volatile boolean closed;

    IndexCoordinator(Cluster cluster) {
        this.cluster = cluster;
    }

    IndexSet of(int mapId) {
        return byMap.getOrDefault(mapId, IndexSet.NONE);
    }

    List<IndexDefinition> definitions(String mapName) {
        int mapId = cluster.mapId(mapName);
        List<IndexDefinition> ready = new ArrayList<>();
        for (IndexDef def : of(mapId).all) {
            if (def.state == IndexDef.READY) {
                ready.add(def.definition);
            }
        }
        return List.copyOf(ready);
    }

    /** The READY index of a map with that name. */
    IndexDef require(int mapId, String mapName, String indexName) {
        return of(mapId).requireReady(mapName, indexName);
    }

    /** Installs a map's current indexes on every active member (or one). */
    private void publish(int mapId, IndexSet set) {
        byMap.put(mapId, set);
        IndexRequest.InstallIndexes install = new IndexRequest.InstallIndexes(mapId, specs(set));
        for (int member : cluster.activeMemberIds()) {
            cluster.controlRouter().ask(member, install);
        }
    }

    private static List<IndexRequest.IndexSpec> specs(IndexSet set) {
        List<IndexRequest.IndexSpec> specs = new ArrayList<>();
        for (IndexDef def : set.all) {
            specs.add(new IndexRequest.IndexSpec(def.id, def.mapId, def.mapName, def.definition, def.entriesMapId,
                    def.state == IndexDef.READY));
        }
        return specs;
    }

    /** A successor coordinator's definitions: those its own member was told, with their states. */
    synchronized void restore(MemberIndexes member) {
        for (Map.Entry<Integer, IndexSet> e : member.all().entrySet()) {
            List<IndexDef> copies = new ArrayList<>();
            for (IndexDef def : e.getValue().all) {
                IndexDef copy = new IndexDef(def.id, def.mapId, def.mapName, def.definition, def.extractor, def.entriesMapId);
                copy.state = def.state;
                copies.add(copy);
                nextIndexId = Math.max(nextIndexId, def.id + 1);
            }
            byMap.put(e.getKey(), IndexSet.of(copies));
        }
    }

    /** Tells a member that joins every index, before it serves anything. */
    synchronized void syncNewMember(int memberId) {
        for (Map.Entry<Integer, IndexSet> e : byMap.entrySet()) {
            cluster.controlRouter().ask(memberId, new IndexRequest.InstallIndexes(e.getKey(), specs(e.getValue())));
        }
    }

    /**
     * Adds an index and builds it over the map's entries; see {@link SlotGrid#addIndex}. Serialized
     * with other index additions and with members joining.
     */
    synchronized void addIndex(String mapName, IndexDefinition definition) {
        cluster.requireOpen();
        Objects.requireNonNull(definition, "index definition must not be null");
        int mapId = cluster.mapId(mapName);
        IndexSet current = of(mapId);
        if (current.named(definition.name()) != null) {
            throw new IllegalArgumentException("map '" + mapName + "' already has an index named '" + definition.name() + "'");
        }
        dev.slotgrid.spi.IndexExtractor extractor = cluster.config().plugins().extractor(definition.extractorName());
        int id = nextIndexId++;
        int entriesMapId = definition.kind() == IndexKind.GLOBAL
                ? cluster.internalMapId(MapCatalog.INTERNAL_PREFIX + "index:" + id) : -1;
        IndexDef def = new IndexDef(id, mapId, mapName, definition, extractor, entriesMapId);
        publish(mapId, current.with(def));
        long deadline = System.nanoTime() + BUILD_TIMEOUT.toNanos();
        try {
            for (int member : cluster.activeMemberIds()) {
                cluster.controlRouter().ask(member, new IndexRequest.AwaitWritersOutside(Math.max(0, deadline - System.nanoTime())));
            }
            if (def.isLocal()) {
                for (int member : cluster.activeMemberIds()) {
                    cluster.controlRouter().ask(member, new IndexRequest.BuildLocal(id, mapId));
                }
            } else {
                buildGlobal(def, deadline);
            }
            def.state = IndexDef.READY;
            publish(mapId, of(mapId)); // every member may query it from now on
        } catch (RuntimeException | Error e) {
            def.state = IndexDef.FAILED;
            publish(mapId, of(mapId).without(def));
            throw e;
        }
    }

    /**
     * Visits each slot once at its owner; there, under each key's lock, its unique values are claimed
     * (collecting duplicates) and an update enqueued; then waits until the updates are applied.
     */
    private void buildGlobal(IndexDef def, long deadline) {
        List<IndexRequest.BuildReport> reports = SlotScatter.run(cluster, SlotScatter.allSlots(),
                slots -> new IndexRequest.BuildGlobal(def.id, def.mapId, slots), IndexRequest.BuildReport::moved,
                Math.max(0, deadline - System.nanoTime()));
        long duplicates = 0;
        List<String> samples = new ArrayList<>();
        for (IndexRequest.BuildReport report : reports) {
            duplicates += report.duplicates();
            for (String sample : report.samples()) {
                if (samples.size() < MAX_SAMPLES) {
                    samples.add(sample);
                }
            }
        }
        if (!awaitIndexed(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
            throw new IllegalStateException(def + " was not built within " + BUILD_TIMEOUT + "; lag: " + stats());
        }
        if (duplicates > 0) {
            throw new IllegalStateException("cannot add " + def + ": " + duplicates + " entries hold an index value"
                    + " another key holds already; the index was not added. For example: " + samples);
        }
    }

    boolean awaitIndexed(Duration timeout) {
        return !closed && IndexLag.awaitIndexed(cluster, timeout);
    }

    IndexStats stats() {
        return IndexLag.stats(cluster);
    }

    // ================================================================ verification

    IndexVerification verify(String mapName, String indexName) {
        cluster.requireOpen();
        int mapId = cluster.mapId(mapName);
        IndexDef def = require(mapId, mapName, indexName);
        if (!def.isLocal() && !awaitIndexed(VERIFY_DRAIN_TIMEOUT)) {
            throw new IllegalStateException("the GLOBAL index outboxes did not drain within " + VERIFY_DRAIN_TIMEOUT
                    + " (" + stats() + "); verify again when the write load allows");
        }
        return def.isLocal() ? verifyLocal(def) : verifyGlobal(def);
    }

    private IndexVerification verifyLocal(IndexDef def) {
        List<IndexRequest.LocalVerification> parts = SlotScatter.run(cluster, SlotScatter.allSlots(),
                slots -> new IndexRequest.VerifyLocalPart(def.id, def.mapId, slots), IndexRequest.LocalVerification::moved,
                cluster.config().cutoverTimeoutNanos());
        long base = 0;
        long expectedPairs = 0;
        long missing = 0;
        long stale = 0;
        List<String> samples = new ArrayList<>();
        for (IndexRequest.LocalVerification part : parts) {
            base += part.baseEntries();
            expectedPairs += part.expectedPairs();
            missing += part.missing();
            stale += part.stale();
            for (String sample : part.samples()) {
                sample(samples, sample);
            }
        }
        return new IndexVerification(def.mapName, def.name(), IndexKind.LOCAL, base, expectedPairs, missing, stale, 0, samples);
    }

    private IndexVerification verifyGlobal(IndexDef def) {
        List<IndexRequest.GlobalEntries> parts = SlotScatter.run(cluster, SlotScatter.allSlots(),
                slots -> new IndexRequest.GlobalEntriesPart(def.id, def.mapId, def.entriesMapId, slots),
                IndexRequest.GlobalEntries::moved, cluster.config().cutoverTimeoutNanos());
        Map<Object, Set<IndexRef>> expected = new HashMap<>();
        Map<Object, Set<IndexRef>> actual = new HashMap<>();
        long base = 0;
        long pendingClaims = 0;
        for (IndexRequest.GlobalEntries part : parts) {
            base += part.baseEntries();
            pendingClaims += part.pendingClaims();
            for (GlobalPair pair : part.implied()) {
                expected.computeIfAbsent(pair.value(), v -> new HashSet<>()).add(pair.ref());
            }
            for (GlobalPair pair : part.held()) {
                actual.computeIfAbsent(pair.value(), v -> new HashSet<>()).add(pair.ref());
            }
        }
        long expectedPairs = 0;
        long missing = 0;
        long stale = 0;
        long duplicates = 0;
        List<String> samples = new ArrayList<>();
        for (Map.Entry<Object, Set<IndexRef>> entry : expected.entrySet()) {
            expectedPairs += entry.getValue().size();
            if (def.isUnique() && entry.getValue().size() > 1) {
                duplicates++;
                sample(samples, "value " + ByteArrayKey.userForm(entry.getKey()) + " is held by " + entry.getValue());
            }
            Set<IndexRef> present = actual.getOrDefault(entry.getKey(), Set.of());
            for (IndexRef ref : entry.getValue()) {
                if (!present.contains(ref)) {
                    missing++;
                    sample(samples, "missing " + ByteArrayKey.userForm(entry.getKey()) + " -> " + ref);
                }
            }
        }
        for (Map.Entry<Object, Set<IndexRef>> entry : actual.entrySet()) {
            Set<IndexRef> implied = expected.getOrDefault(entry.getKey(), Set.of());
            for (IndexRef ref : entry.getValue()) {
                if (!implied.contains(ref)) {
                    stale++;
                    sample(samples, "stale " + ByteArrayKey.userForm(entry.getKey()) + " -> " + ref);
                }
            }
        }
        if (pendingClaims > 0) {
            sample(samples, pendingClaims + " unique claims still pending");
        }
        return new IndexVerification(def.mapName, def.name(), IndexKind.GLOBAL, base, expectedPairs, missing, stale,
                duplicates, samples);
    }

    private static void sample(List<String> samples, String text) {
        if (samples.size() < MAX_SAMPLES) {
            samples.add(text);
        }
    }

    void close() {
        closed = true;
    }
}
