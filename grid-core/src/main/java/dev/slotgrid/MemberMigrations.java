package dev.slotgrid;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;

/**
 * One member's roles in live slot migrations (docs/architecture.md, "Live slot migration"): the
 * source of outgoing slots (it logs their writes, ships their snapshot and changes to the target,
 * seals and forwards them) and the target of incoming ones (an importing store, written directly by
 * the source's {@link MigrationRequest.ImportEntries}, activated at cutover).
 *
 * <p>Concurrency: the steps of one slot's migration arrive one at a time from one driver
 * ({@link MigrationManager}), each after the previous one's reply, so a slot's {@link Outgoing}
 * state is used by one thread at a time and published to the next by the transport. Writers of
 * the slot meanwhile go through its {@link SlotStore}, whose protocol keeps them right.
 *
 * <p>Invariants: shipping of a slot is in order (snapshot first, then change-log rounds that re-read
 * each changed key's current value here), so a later ship of a key carries a value at least as new
 * as an earlier one; an importing store is invisible to clients until activated; an abort restores
 * the store the import replaced.
 */
final class MemberMigrations {

    /** A slot this member is the source of: its store, its change log and where the snapshot copy is. */
    private static final class Outgoing {
        final int to;
        final SlotStore store;
        final MpscUnboundedXaddArrayQueue<SlotStore.Change> changes;
        int mapCursor;
        Iterator<Map.Entry<Object, Object>> entries;

        Outgoing(int to, SlotStore store, MpscUnboundedXaddArrayQueue<SlotStore.Change> changes) {
            this.to = to;
            this.store = store;
            this.changes = changes;
        }
    }

    /** What an importing store replaced ({@code null} for nothing), to restore on abort. */
    private record Replaced(SlotStore store) {
    }

    private final Member member;
    private final ConcurrentHashMap<Integer, Outgoing> outgoing = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, Replaced> incoming = new ConcurrentHashMap<>();

    MemberMigrations(Member member) {
        this.member = member;
    }

    Object handle(MigrationRequest request) {
        int slot = request.slot();
        if (request instanceof MigrationRequest.ImportEntries entries) {
            importEntries(entries);
            return null;
        }
        if (request instanceof MigrationRequest.ShipSnapshot snapshot) {
            return shipSnapshot(source(slot), slot, snapshot.maxEntries());
        }
        if (request instanceof MigrationRequest.ShipChanges changes) {
            return shipChanges(source(slot), slot, changes.maxKeys());
        }
        if (request instanceof MigrationRequest.PrepareImport prepare) {
            incoming.put(slot, new Replaced(member.store(slot)));
            member.setStore(slot, member.newImportingStore(slot, prepare.from()));
            return null;
        }
        if (request instanceof MigrationRequest.BeginMigrating begin) {
            SlotStore store = member.store(slot);
            if (store == null) {
                throw new IllegalStateException("slot " + slot + " is not stored on " + member.name());
            }
            outgoing.put(slot, new Outgoing(begin.to(), store, store.beginMigration()));
            return store.entryCount();
        }
        if (request instanceof MigrationRequest.SealOutgoing seal) {
            SlotStore store = source(slot).store;
            store.seal();
            store.awaitNoWriters(seal.timeoutNanos(), "the migration is abandoned and the source keeps the slot");
            Replication stream = store.replication();
            if (stream != null) {
                stream.drain(); // the backups then hold what the target receives, and the target's stream goes on from it
            }
            return null;
        }
        if (request instanceof MigrationRequest.Activate activate) {
            SlotStore store = member.store(slot);
            member.attachReplication(store); // before it serves writers
            store.activate(activate.epoch());
            incoming.remove(slot);
            return null;
        }
        if (request instanceof MigrationRequest.Forward forward) {
            source(slot).store.forward(forward.to(), forward.epoch());
            return null;
        }
        if (request instanceof MigrationRequest.DropForwarded) {
            // stragglers now meet a light marker that forwards them; the data is released once readers are done
            Outgoing done = outgoing.remove(slot);
            SlotStore store = done.store;
            member.setStore(slot, SlotStore.forwarded(slot, store.forwardTo(), store.forwardEpoch()));
            store.retire(member.config().storeProvider(), member.catalog()::nameOf);
            return null;
        }
        if (request instanceof MigrationRequest.CancelOutgoing) {
            Outgoing cancelled = outgoing.remove(slot);
            if (cancelled != null) {
                cancelled.store.cancelMigration();
            }
            return null;
        }
        Replaced replaced = incoming.remove(slot); // AbortImport
        if (replaced != null) {
            member.setStore(slot, replaced.store());
        }
        return null;
    }

    private Outgoing source(int slot) {
        Outgoing migration = outgoing.get(slot);
        if (migration == null) {
            throw new IllegalStateException("slot " + slot + " is not migrating out of " + member.name());
        }
        return migration;
    }

    /** Ships up to {@code max} more entries of the slot's weakly consistent snapshot, one message per map. */
    private MigrationRequest.Shipped shipSnapshot(Outgoing migration, int slot, int max) {
        ConcurrentMap<Object, Object>[] maps = migration.store.maps();
        int shipped = 0;
        while (shipped < max && migration.mapCursor < maps.length) {
            ConcurrentMap<Object, Object> map = maps[migration.mapCursor];
            if (map == null) {
                migration.mapCursor++;
                continue;
            }
            if (migration.entries == null) {
                migration.entries = map.entrySet().iterator();
            }
            List<Object> keys = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            while (shipped + keys.size() < max && migration.entries.hasNext()) {
                Map.Entry<Object, Object> entry = migration.entries.next();
                keys.add(entry.getKey());
                values.add(entry.getValue());
            }
            if (!keys.isEmpty()) {
                send(migration, slot, migration.mapCursor, keys, values);
                shipped += keys.size();
            }
            if (!migration.entries.hasNext()) {
                migration.entries = null;
                migration.mapCursor++;
            }
        }
        return new MigrationRequest.Shipped(shipped, migration.mapCursor >= maps.length, migration.changes.size());
    }

    /**
     * Ships up to {@code limit} changed keys with their current value here, or their removal if the
     * key is gone. Duplicates within one round are shipped once.
     */
    private MigrationRequest.Shipped shipChanges(Outgoing migration, int slot, int limit) {
        LinkedHashSet<SlotStore.Change> round = new LinkedHashSet<>();
        for (SlotStore.Change change; round.size() < limit && (change = migration.changes.poll()) != null;) {
            round.add(change);
        }
        Map<Integer, List<Object>> keys = new LinkedHashMap<>();
        Map<Integer, List<Object>> values = new LinkedHashMap<>();
        for (SlotStore.Change change : round) {
            ConcurrentMap<Object, Object> source = migration.store.readMap(change.mapId());
            keys.computeIfAbsent(change.mapId(), id -> new ArrayList<>()).add(change.key());
            values.computeIfAbsent(change.mapId(), id -> new ArrayList<>()).add(source == null ? null : source.get(change.key()));
        }
        for (Map.Entry<Integer, List<Object>> e : keys.entrySet()) {
            send(migration, slot, e.getKey(), e.getValue(), values.get(e.getKey()));
        }
        return new MigrationRequest.Shipped(round.size(), true, migration.changes.size());
    }

    private void send(Outgoing migration, int slot, int mapId, List<Object> keys, List<Object> values) {
        member.router().ask(migration.to, new MigrationRequest.ImportEntries(slot, mapId, keys.toArray(), values.toArray()));
    }

    private void importEntries(MigrationRequest.ImportEntries entries) {
        SlotStore store = member.store(entries.slot());
        if (store == null || store.state() != SlotStore.IMPORTING) {
            throw new IllegalStateException("slot " + entries.slot() + " is not importing on " + member.name() + ": " + store);
        }
        Object[] keys = entries.keys();
        Object[] values = entries.values();
        MemberIndexes indexes = member.indexes();
        for (int i = 0; i < keys.length; i++) {
            if (values[i] == null) {
                indexes.importRemove(store, entries.mapId(), keys[i]);
            } else {
                indexes.importPut(store, entries.mapId(), keys[i], values[i]); // also builds the slot's LOCAL indexes
            }
        }
    }
}
