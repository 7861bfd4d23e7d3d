package dev.slotgrid;

import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.SlotTable;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One member of a clustered grid, in its own process: the member itself, its data plane
 * ({@link NetworkTransport}), its membership ({@link HazelcastMembership}), and, while it is the
 * oldest member, the coordinator role: the grid's control plane ({@link ControlParts}), which admits
 * members that join, moves slots for them, drains members that leave, and reassigns the slots of
 * members that die (docs/architecture.md, "Across JVMs").
 *
 * <p>Other members ask the coordinator through {@link CoordinatorRequest}s; one that is not the
 * coordinator answers {@link CoordinatorRequest.NotCoordinator}, and the asker finds the new one
 * (the oldest member in Hazelcast's list) and asks again. A member that becomes the coordinator
 * continues from the highest epoch any member has seen, with the catalog, indexes and hot-key state
 * every member keeps (they learn each change), and abandons the migrations that were in flight.
 *
 * <p>Concurrency: membership changes and coordinator duties run on one thread ({@code events}), in
 * the order Hazelcast reports them, each acting on the current member list (events may come late or
 * twice). Requests from other members run on the data plane's handler threads.
 *
 * <p>Until the next issue adds replicas, a member that dies takes its slots' data with it: the
 * coordinator gives those slots to the survivors marked lost ({@link SlotLostException} on every
 * call) until an operator acknowledges the loss.
 */
final class ClusteredMember implements GridControl, Coordinator {

    private static final System.Logger LOG = System.getLogger(ClusteredMember.class.getName());
    private static final Duration FIND_COORDINATOR_TIMEOUT = Duration.ofSeconds(60);

    private final ClusterSettings settings;
    private final ControlParts.Settings controlSettings;
    private final Cluster cluster;
    private final NetworkTransport transport;
    /** Set once Hazelcast has started; events that come during its start find it {@code null} and wait for the next. */
    private volatile HazelcastMembership membership;
    private final ExecutorService events;
    private final ConcurrentHashMap<Integer, InetSocketAddress> addresses = new ConcurrentHashMap<>();
    private final CompletableFuture<Member> admitted = new CompletableFuture<>();
    /** The Hazelcast incarnation admitted under each member name (coordinator's bookkeeping). */
    private final Map<String, UUID> incarnations = new ConcurrentHashMap<>();
    private final Set<Integer> admitting = ConcurrentHashMap.newKeySet();
    private final Set<Integer> draining = ConcurrentHashMap.newKeySet();
    private volatile Member member;
    /** The control plane while this member coordinates; {@code null} otherwise. */
    private volatile ControlParts role;
    private volatile boolean stopping;
    /** Set by {@link #leave()}: a table without this member is then the end of its drain, not an expulsion. */
    private volatile boolean leaving;
    /** Whether a table this member adopted has listed it (the coordinator lists a member just after admitting it). */
    private volatile boolean listed;
    /** Why this member was expelled (declared dead while it still ran); {@code null} while it is a member. */
    private volatile String expelled;
    private static final int TABLES_KEPT = 64;
    /** Epoch → digest of the tables this member adopted, oldest first (see {@link #view()}). */
    private final java.util.LinkedHashMap<Long, Integer> adopted = new java.util.LinkedHashMap<>();
    /** Whether the last reconcile found no quorum (logged on the change only). */
    private boolean withoutQuorum;

    private ClusteredMember(ClusterBuilder builder) {
        this.settings = builder.settings();
        this.controlSettings = builder.controlSettings();
        GridConfig config = builder.config();
        Handshake handshake = new Handshake(settings.clusterName(), settings.secret());
        this.transport = new NetworkTransport(new MessageCodec(builder.codecs()), handshake, settings.memberName(),
                new InetSocketAddress(settings.bindAddress(), settings.dataPort()), settings.maxFrameBytes(),
                settings.callTimeout().toNanos(), settings.maxInFlight(), this::addressOf, NetworkTransport::timeoutFor);
        this.cluster = new Cluster(builder.gridName(), config, names -> transport);
        cluster.attachRemote(this);
        transport.bind(-1, this::handle);
        this.events = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "slotgrid-" + settings.memberName() + "-membership");
            thread.setDaemon(true);
            return thread;
        });
        HazelcastMembership started;
        try {
            started = new HazelcastMembership(settings, handshake, transport.address(), new HazelcastMembership.Listener() {
                @Override
                public void changed() {
                    events.execute(ClusteredMember.this::reconcileQuietly);
                }

                @Override
                public void merged() {
                    LOG.log(System.Logger.Level.WARNING, "member '" + settings.memberName() + "' merged back after a"
                            + " network split; what it holds is kept, and the coordinator decides its slots");
                    events.execute(ClusteredMember.this::reconcileQuietly);
                }
            });
        } catch (RuntimeException e) {
            transport.close();
            events.shutdownNow();
            throw e;
        }
        this.membership = started;
    }

    /** Starts a member: joins the membership, and waits until the coordinator has admitted it (or founds the grid). */
    static ClusteredMember start(ClusterBuilder builder) {
        ClusteredMember runtime = new ClusteredMember(builder);
        try {
            runtime.events.execute(runtime::reconcileQuietly);
            runtime.admitted.get(builder.joinTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return runtime;
        } catch (TimeoutException e) {
            runtime.stop();
            throw new IllegalStateException("member '" + runtime.settings.memberName() + "' was not admitted within "
                    + builder.joinTimeout().toSeconds() + " s (members seen: " + runtime.membership.members() + ")", e);
        } catch (Exception e) {
            runtime.stop();
            throw new IllegalStateException("member '" + runtime.settings.memberName() + "' could not join: " + e, e);
        }
    }

    Cluster cluster() {
        return cluster;
    }

    QueryEngine queries() {
        return cluster.queries();
    }

    ClusterSettings settings() {
        return settings;
    }

    long refusedConnections() {
        return transport.refusedConnections();
    }

    InetSocketAddress dataAddress() {
        return transport.address();
    }

    boolean isCoordinator() {
        return role != null;
    }

    // ================================================================ requests from other members

    /** This process's endpoint: the coordinator's requests when it is one, the member's otherwise. */
    private Object handle(Request request) {
        String why = expelled;
        if (why != null) {
            throw new MemberUnavailableException(why);
        }
        if (request instanceof CoordinatorRequest.Admit admit) {
            return admitMe(admit);
        }
        if (request instanceof CoordinatorRequest.MemberState) {
            Member me = member;
            List<HazelcastMembership.Peer> peers = membership == null ? List.of() : membership.members();
            return new CoordinatorRequest.MemberView(me == null ? null : me.table(),
                    peers.isEmpty() ? null : peers.get(0).name());
        }
        if (request instanceof CoordinatorRequest coordinatorRequest) {
            ControlParts parts = role;
            if (parts == null) {
                return new CoordinatorRequest.NotCoordinator(coordinatorId());
            }
            return coordinate(parts, coordinatorRequest);
        }
        Member me = member;
        if (me == null) {
            throw new MemberUnavailableException("member '" + settings.memberName() + "' is not admitted yet");
        }
        return me.handle(request);
    }

    /** The coordinator's admission of this member: it starts serving with the id and table given. */
    private synchronized Object admitMe(CoordinatorRequest.Admit admit) {
        Member known = member;
        if (known != null) {
            if (known.id() == admit.info().id()) {
                return null; // a repeated admission (the coordinator retried)
            }
            // The coordinator does not know this member by its id: it was declared dead (its slots given
            // away as lost) while it could not be reached, and came back.
            String why = expulsion(known, "the coordinator asked it to join again as #" + admit.info().id());
            expel(why);
            throw new MemberUnavailableException(why);
        }
        Member me = new Member(admit.info(), cluster.config(), admit.table(), transport, this);
        me.onTable(table -> followTable(me, table));
        transport.bind(admit.info().id(), this::handle);
        cluster.register(new GridNode(cluster, me));
        remember(admit.table());
        cluster.followTable(admit.table(), me, admitting);
        member = me;
        admitted.complete(me);
        LOG.log(System.Logger.Level.DEBUG, () -> "member '" + settings.memberName() + "' admitted as #" + admit.info().id());
        return null;
    }

    private Object coordinate(ControlParts parts, CoordinatorRequest request) {
        if (request instanceof CoordinatorRequest.AssignMapId assign) {
            return parts.control.mapId(assign.name(), assign.internal());
        }
        if (request instanceof CoordinatorRequest.LatestTable) {
            return parts.control.latest();
        }
        if (request instanceof CoordinatorRequest.FoldBack fold) {
            parts.hotKeys.foldBack(fold.mapId(), fold.key());
            return null;
        }
        if (request instanceof CoordinatorRequest.AddIndex add) {
            parts.addIndex(add.mapName(), add.definition());
            return null;
        }
        if (request instanceof CoordinatorRequest.Migrate migrate) {
            if (draining.contains(migrate.target())) {
                throw new IllegalStateException("member #" + migrate.target() + " is leaving the grid; it takes no slots");
            }
            parts.migrate(migrate.slot(), migrate.target()).join();
            return null;
        }
        if (request instanceof CoordinatorRequest.CancelMigration cancel) {
            return parts.cancelMigration(cancel.slot());
        }
        if (request instanceof CoordinatorRequest.MigrationCounters) {
            return counts(parts.migrationStats());
        }
        if (request instanceof CoordinatorRequest.Rebalance) {
            parts.rebalance().join();
            return null;
        }
        if (request instanceof CoordinatorRequest.DeclareMergeable declare) {
            parts.declareMergeable(declare.mapId(), declare.merger());
            return null;
        }
        if (request instanceof CoordinatorRequest.NearCache near) {
            parts.nearCache(near.mapId(), near.key(), near.on());
            return null;
        }
        if (request instanceof CoordinatorRequest.Salt salt) {
            parts.salt(salt.mapId(), salt.key(), salt.parts());
            return null;
        }
        if (request instanceof CoordinatorRequest.Pin pin) {
            return parts.pin(pin.mapId(), pin.key(), pin.naturalSlot(), pin.member());
        }
        if (request instanceof CoordinatorRequest.Unpin unpin) {
            return parts.unpin(unpin.mapId(), unpin.key(), unpin.naturalSlot());
        }
        if (request instanceof CoordinatorRequest.HotKeyStatsQuery) {
            return parts.hotKeyStats();
        }
        if (request instanceof CoordinatorRequest.IndexStatsQuery) {
            return parts.indexStats();
        }
        if (request instanceof CoordinatorRequest.VerifyIndex verify) {
            return parts.verifyIndex(verify.mapName(), verify.indexName());
        }
        if (request instanceof CoordinatorRequest.Leave leave) {
            drain(parts, leave.member());
            return null;
        }
        if (request instanceof CoordinatorRequest.AcknowledgeLost) {
            parts.acknowledgeLostSlots();
            parts.migrations.rebalance(cluster); // the slots that were lost move again (not awaited)
            return null;
        }
        throw new IllegalArgumentException("unknown coordinator request " + request);
    }

    private static CoordinatorRequest.MigrationCounts counts(MigrationStats stats) {
        return new CoordinatorRequest.MigrationCounts(stats.slotsDone(), stats.slotsCancelled(), stats.slotsFailed(),
                stats.slotsInFlight(), Math.max(0, stats.slotsLeft() - stats.slotsInFlight()), stats.entriesMoved(),
                stats.entriesPerSecond(), stats.entriesLeft(), stats.cutovers(), stats.cutoverP50Nanos(),
                stats.cutoverP99Nanos(), stats.cutoverMaxNanos());
    }

    // ================================================================ membership: the coordinator's duties

    private void reconcileQuietly() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            if (!stopping) {
                LOG.log(System.Logger.Level.WARNING, "member '" + settings.memberName() + "': reacting to a membership"
                        + " change failed; the next change retries", e);
            }
        }
    }

    /**
     * Where a member's data plane listens: its name from this member's table, its address from the
     * membership's attributes. Cached until the membership changes.
     */
    private InetSocketAddress addressOf(int memberId) {
        InetSocketAddress known = addresses.get(memberId);
        if (known != null) {
            return known;
        }
        Member me = member;
        NodeInfo info = me == null ? null : me.table().node(memberId);
        ControlParts parts = role;
        if (info == null && parts != null) {
            info = parts.control.latest().node(memberId);
        }
        if (info == null) {
            return null;
        }
        for (HazelcastMembership.Peer peer : membership.members()) {
            if (peer.name().equals(info.name())) {
                addresses.put(memberId, peer.data());
                return peer.data();
            }
        }
        return null;
    }

    /** Acts on the current member list: founds the grid, becomes the coordinator, admits, reassigns. Events thread only. */
    private void reconcile() {
        HazelcastMembership membership = this.membership;
        if (stopping || membership == null || !membership.isRunning()) {
            return;
        }
        addresses.clear(); // looked up again from the new member list
        List<HazelcastMembership.Peer> peers = membership.members();
        if (peers.isEmpty() || !peers.get(0).local()) {
            // another member coordinates; this one, if it did, was cut off and merged back younger
            stepDown("an older member is back in its membership");
            return;
        }
        if (member == null) {
            if (peers.size() > 1) {
                return; // the oldest but not admitted: an older grid's coordinator just left; it will be admitted by whoever
            }
            String refusedBy = listeningSeed();
            if (refusedBy != null) {
                String why = "member '" + settings.memberName() + "' was not let into the cluster at seed " + refusedBy
                        + ": a member listens there but did not admit it (another cluster name or another shared secret)";
                LOG.log(System.Logger.Level.WARNING, why);
                admitted.completeExceptionally(new IllegalStateException(why));
                return;
            }
            found();
        } else {
            Set<String> visible = new java.util.HashSet<>();
            for (HazelcastMembership.Peer peer : peers) {
                visible.add(peer.name());
            }
            ControlParts current = role;
            if (!Quorum.holds(current != null ? current.control.latest() : member.table(), visible)) {
                noQuorum(visible);
                return;
            }
            if (withoutQuorum) {
                withoutQuorum = false;
                LOG.log(System.Logger.Level.INFO, "member '" + settings.memberName() + "' sees a quorum again: " + visible);
            }
            if (current == null && !succeed(peers, visible)) {
                return;
            }
        }
        ControlParts parts = role;
        SlotTable table = parts.control.latest();
        Map<String, HazelcastMembership.Peer> byName = new HashMap<>();
        for (HazelcastMembership.Peer peer : peers) {
            byName.put(peer.name(), peer);
        }
        List<NodeInfo> dead = new ArrayList<>();
        for (NodeInfo info : table.nodes()) {
            if (info.id() == member.id() || draining.contains(info.id())) {
                continue;
            }
            HazelcastMembership.Peer peer = byName.get(info.name());
            UUID admittedAs = incarnations.get(info.name());
            if (peer == null || (admittedAs != null && !admittedAs.equals(peer.uuid()))) {
                dead.add(info);
            }
        }
        if (!dead.isEmpty()) {
            // Declared dead only by a quorum that confirms this member as its coordinator: a coordinator
            // that was frozen sees the others vanish one by one as it thaws, and must not shrink the
            // grid around itself (each removal would make the next quorum smaller).
            Set<String> confirmed = survey(peers, table).confirming;
            if (!Quorum.holds(table, confirmed)) {
                noQuorum(confirmed);
                retryLater();
                return;
            }
            for (NodeInfo info : dead) {
                died(parts, info);
            }
        }
        for (HazelcastMembership.Peer peer : peers) {
            if (!peer.local() && parts.control.latest().nodes().stream().noneMatch(n -> n.name().equals(peer.name()))) {
                admit(parts, peer);
            }
        }
    }

    /**
     * A seed other than this member itself where something accepts connections although this member
     * is alone in its membership: that cluster refused it (Hazelcast joins only members with the same
     * cluster name, which carries the secret's tag), so founding a grid of its own would split one.
     * {@code null} when no seed answers: this is the first member up.
     */
    private String listeningSeed() {
        String self = settings.bindAddress() + ":" + membership.port();
        for (String seed : settings.seeds()) {
            int colon = seed.lastIndexOf(':');
            String host = colon < 0 ? seed : seed.substring(0, colon);
            int port = colon < 0 ? 5701 : Integer.parseInt(seed.substring(colon + 1));
            if (seed.equals(self) || (port == membership.port() && isLocalAddress(host))) {
                continue;
            }
            try (java.net.Socket probe = new java.net.Socket()) {
                probe.connect(new InetSocketAddress(host, port), 1000);
                return seed;
            } catch (java.io.IOException nobody) {
                // nothing listens there (yet)
            }
        }
        return null;
    }

    private boolean isLocalAddress(String host) {
        return host.equals(settings.bindAddress()) || host.equals("localhost") || host.equals("127.0.0.1");
    }

    /** The first member: a table with itself owning every slot, and the coordinator role. */
    private synchronized void found() {
        NodeInfo me = new NodeInfo(0, settings.memberName(), settings.weight());
        SlotTable initial = SlotTable.initial(List.of(me));
        Member founder = new Member(me, cluster.config(), initial, transport, this);
        founder.onTable(table -> followTable(founder, table));
        transport.bind(me.id(), this::handle);
        cluster.register(new GridNode(cluster, founder));
        member = founder;
        ControlParts parts = new ControlParts(cluster, initial, controlSettings, null, null);
        parts.start();
        role = parts;
        admitted.complete(founder);
        LOG.log(System.Logger.Level.DEBUG, () -> "member '" + me.name() + "' founded the grid");
    }

    /** What the members the membership shows answered {@link CoordinatorRequest.MemberState}. */
    private record Survey(SlotTable best, Set<String> confirming) {
    }

    /**
     * Asks every member the membership shows that {@code known} lists, all at once, bounded by the
     * failure timeout (one that cannot answer in that time is about to be declared dead itself):
     * the newest table any of them has, and who confirms this member as the one it follows (the
     * oldest in its own membership). This member confirms itself.
     */
    private Survey survey(List<HazelcastMembership.Peer> peers, SlotTable known) {
        Map<String, CompletableFuture<Object>> asked = new HashMap<>();
        for (HazelcastMembership.Peer peer : peers) {
            NodeInfo node = peer.local() ? null : known.nodes().stream().filter(n -> n.name().equals(peer.name()))
                    .findFirst().orElse(null);
            if (node != null) {
                addresses.put(node.id(), peer.data());
                try {
                    asked.put(peer.name(), transport.send(node.id(), new CoordinatorRequest.MemberState()));
                } catch (RuntimeException unreachable) {
                    // counts as not confirming
                }
            }
        }
        SlotTable best = known;
        Set<String> confirming = new java.util.HashSet<>();
        confirming.add(settings.memberName());
        long deadline = System.nanoTime() + settings.failureTimeout().toNanos();
        for (Map.Entry<String, CompletableFuture<Object>> answer : asked.entrySet()) {
            try {
                Object reply = answer.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (reply instanceof CoordinatorRequest.MemberView view) {
                    if (view.table() != null && view.table().epoch() > best.epoch()) {
                        best = view.table();
                    }
                    if (settings.memberName().equals(view.oldest())) {
                        confirming.add(answer.getKey());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (java.util.concurrent.ExecutionException | TimeoutException silent) {
                answer.getValue().cancel(false); // a member that cannot answer has no newer table and confirms nothing
            }
        }
        return new Survey(best, confirming);
    }

    /** Reacts to the membership again in a second: a state that needs the others to catch up changes without an event. */
    private void retryLater() {
        if (!stopping && expelled == null) {
            CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS, events).execute(this::reconcileQuietly);
        }
    }

    /**
     * The members this one sees are no quorum of its table ({@link Quorum}): it may be the one cut off,
     * so it changes nothing, and stops coordinating if it did. Events thread only.
     */
    private void noQuorum(Set<String> visible) {
        if (!withoutQuorum) {
            withoutQuorum = true;
            LOG.log(System.Logger.Level.WARNING, "member '" + settings.memberName() + "' has only " + visible
                    + " on its side, no quorum of its grid's members: it declares nobody dead and takes over nothing"
                    + " until more are");
        }
        stepDown("it sees no quorum of the grid's members");
    }

    /**
     * Gives up the coordinator role, if this member has it: its migrations stop, and it asks the
     * coordinator the others follow from now on. The tables it published stay below those of the
     * next coordinator ({@link SlotTable#successor()}). Events thread only.
     */
    private void stepDown(String why) {
        ControlParts parts = role;
        if (parts == null) {
            return;
        }
        role = null;
        cluster.attachRemote(this);
        parts.close();
        LOG.log(System.Logger.Level.WARNING, "member '" + settings.memberName() + "' stops coordinating: " + why);
    }

    /**
     * This member became the oldest: it takes over the control plane from the highest epoch any
     * member has seen, with the state every member was told, and abandons the migrations in flight.
     *
     * @return whether it took over; not if the newest table found lists members it does not see
     *     enough of (no quorum), or no longer lists this member (it was expelled)
     */
    private boolean succeed(List<HazelcastMembership.Peer> peers, Set<String> visible) {
        Member me = member;
        Survey survey = survey(peers, me.table());
        SlotTable best = survey.best;
        NodeInfo listed = best.node(me.id());
        if (listed == null || !listed.name().equals(me.name())) {
            expel(expulsion(me, "the newest table of its grid (epoch " + best.epoch() + ") does not list it"));
            return false;
        }
        if (!Quorum.holds(best, survey.confirming)) {
            noQuorum(survey.confirming);
            retryLater(); // the others may not have noticed the old coordinator's departure yet
            return false;
        }
        ControlParts parts = new ControlParts(cluster, best, controlSettings, null, null);
        parts.control.restoreCatalog(me.catalog().names());
        parts.indexes.restore(me.indexes());
        parts.hotKeys.restore(me.hotKeys());
        for (HazelcastMembership.Peer peer : peers) {
            incarnations.putIfAbsent(peer.name(), peer.uuid());
        }
        role = parts;
        for (Integer slot : best.migrations().keySet()) {
            dev.slotgrid.slot.Move move = best.migrations().get(slot);
            abandon(parts, slot, visibleId(best, visible, move.from()), visibleId(best, visible, move.to()));
        }
        parts.control.update(SlotTable::successor); // an epoch above every table any member has seen
        parts.start();
        LOG.log(System.Logger.Level.INFO, "member '" + settings.memberName() + "' is the coordinator from epoch "
                + parts.control.latest().epoch());
        return true;
    }

    /**
     * Follows a table this member adopted. One that no longer lists it, after one that did, expels it
     * (but for its own graceful leave); tables between its admission and its listing do not list it yet.
     */
    private void followTable(Member me, SlotTable table) {
        remember(table);
        cluster.followTable(table, me, admitting);
        NodeInfo entry = table.node(me.id());
        if (entry != null && entry.name().equals(me.name())) {
            listed = true;
        } else if (listed && !leaving && !stopping) {
            expel(expulsion(me, "table epoch " + table.epoch() + " no longer lists it"));
        }
    }

    /** Keeps a digest of the owners and members of each table adopted, the last {@link #TABLES_KEPT}, for {@link #view()}. */
    private void remember(SlotTable table) {
        int digest = table.nodes().hashCode() * 31 + java.util.Arrays.hashCode(table.lostSlots());
        for (int slot = 0; slot < SlotTable.SLOTS; slot++) {
            digest = digest * 31 + table.ownerOf(slot);
        }
        synchronized (adopted) {
            adopted.put(table.epoch(), digest);
            if (adopted.size() > TABLES_KEPT) {
                adopted.remove(adopted.keySet().iterator().next());
            }
        }
    }

    /**
     * This member's own view, asking nobody: {@code epoch=.. coordinator=.. expelled=.. tables=epoch:digest,..}.
     * Two members that show the same epoch with different digests were given conflicting tables.
     */
    String view() {
        Member me = member;
        StringBuilder tables = new StringBuilder();
        synchronized (adopted) {
            for (Map.Entry<Long, Integer> table : adopted.entrySet()) {
                tables.append(tables.length() == 0 ? "" : ",").append(table.getKey()).append(':')
                        .append(Integer.toHexString(table.getValue()));
            }
        }
        return "epoch=" + (me == null ? -1 : me.table().epoch()) + " coordinator=" + (role != null) + " expelled="
                + (expelled != null) + " tables=" + tables;
    }

    private String expulsion(Member me, String evidence) {
        return "member '" + settings.memberName() + "' (#" + me.id() + ") was declared dead by its grid while it could"
                + " not be reached (paused, or cut off from the others), and its slots were given to the others as lost ("
                + evidence + "); it is expelled: it serves nothing more and drops what it held. Start it again to"
                + " rejoin as a new member";
    }

    /**
     * Stops serving for good: every request, local or remote, is refused with {@code why}, the data
     * is dropped and the membership and data plane stop (on a thread of their own: this may run on
     * one of theirs). Idempotent.
     */
    private void expel(String why) {
        synchronized (this) {
            if (expelled != null || stopping) {
                return;
            }
            expelled = why;
        }
        transport.refuseAll(why); // at once: nothing this member sends is served by the others any more
        LOG.log(System.Logger.Level.WARNING, why);
        Thread stopper = new Thread(() -> {
            Member me = member;
            if (me != null) {
                me.close();
            }
            stop(why);
        }, "slotgrid-" + settings.memberName() + "-expelled");
        stopper.setDaemon(true);
        stopper.start();
    }

    /** {@code id} if the member is one the membership shows, -1 if not (it is not asked: it would not answer). */
    private static int visibleId(SlotTable table, Set<String> visible, int id) {
        NodeInfo node = table.node(id);
        return node != null && visible.contains(node.name()) ? id : -1;
    }

    /** A migration the previous coordinator left in flight: the source keeps the slot. Members at -1 are not asked. */
    private void abandon(ControlParts parts, int slot, int from, int to) {
        if (from >= 0) {
            try {
                transport.call(from, new MigrationRequest.CancelOutgoing(slot));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "slot " + slot + ": its source could not cancel: " + e);
            }
        }
        if (to >= 0) {
            try {
                transport.call(to, new MigrationRequest.AbortImport(slot));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "slot " + slot + ": its target could not abort: " + e);
            }
        }
        parts.control.update(table -> table.migratingTo(slot) >= 0 ? table.withoutMigration(slot) : table);
    }

    /** A member joins: its id, its admission, what the others know, the table, its share of the slots. */
    private void admit(ControlParts parts, HazelcastMembership.Peer peer) {
        SlotTable table = parts.control.latest();
        NodeInfo info = new NodeInfo(table.nextNodeId(), peer.name(), peer.weight());
        addresses.put(info.id(), peer.data());
        admitting.add(info.id());
        try {
            // Admitted first, then listed: a table or map published before it is listed is in what
            // the admission or the sync below carries (both are sent after it is listed, or are newer).
            transport.call(info.id(), new CoordinatorRequest.Admit(info, table));
            cluster.register(new GridNode(cluster, member, info));
            parts.syncNewMember(info.id());
            parts.control.update(t -> t.withNode(info));
            incarnations.put(peer.name(), peer.uuid());
        } catch (RuntimeException e) {
            GridNode view = cluster.byId(info.id());
            if (view != null && !view.isLocal()) {
                view.markGone();
            }
            throw e;
        } finally {
            admitting.remove(info.id());
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "admitted '" + info.name() + "' as #" + info.id() + "; moving its share");
        parts.migrations.rebalance(cluster);
    }

    /** A member is gone without draining its slots: they go to the survivors, marked lost (no copy survived). */
    private void died(ControlParts parts, NodeInfo dead) {
        LOG.log(System.Logger.Level.WARNING, "member '" + dead.name() + "' (#" + dead.id() + ") is gone; its slots"
                + " are lost (no replicas) and are refused until the loss is acknowledged");
        incarnations.remove(dead.name());
        transport.forget(dead.id());
        addresses.remove(dead.id());
        GridNode view = cluster.byId(dead.id());
        if (view != null && !view.isLocal()) {
            view.markGone();
        }
        List<dev.slotgrid.slot.Move> interrupted = new ArrayList<>();
        parts.control.update(current -> {
            SlotTable table = current;
            for (Map.Entry<Integer, dev.slotgrid.slot.Move> moving : current.migrations().entrySet()) {
                dev.slotgrid.slot.Move move = moving.getValue();
                if (move.to() == dead.id() || current.ownerOf(moving.getKey()) == dead.id()) {
                    table = table.withoutMigration(moving.getKey()); // its source keeps it (or it is lost with it)
                    interrupted.add(new dev.slotgrid.slot.Move(moving.getKey(), current.ownerOf(moving.getKey()), move.to()));
                }
            }
            int[] slots = table.slotsOf(dead.id());
            List<NodeInfo> survivors = new ArrayList<>(table.nodes());
            survivors.removeIf(n -> n.id() == dead.id());
            int[] owners = new int[slots.length];
            int[] counts = new int[table.nextNodeId()];
            for (NodeInfo survivor : survivors) {
                counts[survivor.id()] = table.slotCount(survivor.id());
            }
            for (int i = 0; i < slots.length; i++) {
                NodeInfo least = survivors.get(0);
                for (NodeInfo survivor : survivors) {
                    if (counts[survivor.id()] * (long) least.weight() < counts[least.id()] * (long) survivor.weight()) {
                        least = survivor;
                    }
                }
                owners[i] = least.id();
                counts[least.id()]++;
            }
            return table.withLostOwners(slots, owners).withoutNode(dead.id());
        });
        for (dev.slotgrid.slot.Move move : interrupted) { // the living side of each interrupted migration undoes it
            int living = move.to() == dead.id() ? move.from() : move.to();
            Request undo = move.to() == dead.id() ? new MigrationRequest.CancelOutgoing(move.slot())
                    : new MigrationRequest.AbortImport(move.slot());
            try {
                transport.call(living, undo);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "slot " + move.slot() + ": undoing its migration: " + e);
            }
        }
    }

    /** A member leaves gracefully: its slots move to the others first, then it leaves the table. */
    private void drain(ControlParts parts, int leaving) {
        draining.add(leaving);
        try {
            for (int round = 0;; round++) {
                // removed only once it owns nothing and nothing moves to it: a migration that was queued
                // before the drain may still hand it a slot after a round of moves
                SlotTable after = parts.control.update(t -> t.node(leaving) != null && t.slotCount(leaving) == 0
                        && t.migrations().values().stream().noneMatch(m -> m.to() == leaving) ? t.withoutNode(leaving) : t);
                if (after.node(leaving) == null) {
                    break;
                }
                if (round >= 8) {
                    throw new IllegalStateException("member #" + leaving + " still owns slots after 8 rounds of moves");
                }
                SlotTable table = parts.control.latest();
                List<NodeInfo> staying = new ArrayList<>(table.nodes());
                staying.removeIf(n -> n.id() == leaving);
                if (staying.isEmpty()) {
                    throw new IllegalStateException("the last member cannot hand its slots to anyone");
                }
                dev.slotgrid.slot.Plan plan = dev.slotgrid.slot.PlacementPlanner.plan(table, staying);
                CompletableFuture<?>[] moves = new CompletableFuture<?>[plan.moves().size()];
                for (int i = 0; i < moves.length; i++) {
                    dev.slotgrid.slot.Move move = plan.moves().get(i);
                    moves[i] = parts.migrations.migrate(move.slot(), move.to());
                }
                try {
                    CompletableFuture.allOf(moves).join();
                } catch (java.util.concurrent.CompletionException failed) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "draining #" + leaving + ": a move failed, planning again: "
                            + failed.getCause());
                }
            }
            try {
                transport.call(leaving, new ControlRequest.Leave());
            } catch (RuntimeException gone) {
                // it may already be stopping
            }
        } finally {
            draining.remove(leaving);
        }
    }

    /** Graceful leave of this member: drained by the coordinator (itself, if it is), before it stops. */
    void leave() {
        Member me = member;
        if (me == null || stopping || expelled != null) {
            return;
        }
        leaving = true;
        try {
            if (cluster.table().nodes().size() > 1) {
                askCoordinator(new CoordinatorRequest.Leave(me.id()));
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "member '" + settings.memberName() + "' could not hand its slots over"
                    + " before leaving; they will be reassigned as lost", e);
        }
    }

    /** Stops the membership and the data plane (the member's data goes with this process). */
    void stop() {
        stop("it was closed");
    }

    private void stop(String why) {
        stopping = true;
        ControlParts parts = role;
        if (parts != null) {
            parts.close();
        }
        try {
            membership.stop(true);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "membership stop: " + e);
        }
        events.shutdownNow();
        transport.close(why);
    }

    /** For tests: the reaction to a membership event, run again now, as a late or repeated event would run it. */
    void replayMembershipEvent() throws Exception {
        events.submit(this::reconcileQuietly).get(60, TimeUnit.SECONDS);
    }

    /** For tests of a crash: stops the membership at once, as if the process died. */
    void crashMembership() {
        stopping = true;
        membership.stop(false);
        transport.close();
    }

    // ================================================================ asking the coordinator

    /** The coordinator's member id as far as this member knows: the oldest member's, by name in the table. */
    private int coordinatorId() {
        List<HazelcastMembership.Peer> peers = membership.members();
        if (peers.isEmpty()) {
            return -1;
        }
        String oldest = peers.get(0).name();
        Member me = member;
        if (me == null) {
            return -1;
        }
        for (NodeInfo info : me.table().nodes()) {
            if (info.name().equals(oldest)) {
                addresses.putIfAbsent(info.id(), peers.get(0).data());
                return info.id();
            }
        }
        return -1;
    }

    /** Sends a request to the coordinator, wherever it is now, following NotCoordinator answers (bounded). */
    private Object askCoordinator(CoordinatorRequest request) {
        String why = expelled;
        if (why != null) {
            throw new MemberUnavailableException(why);
        }
        long deadline = System.nanoTime() + FIND_COORDINATOR_TIMEOUT.toNanos();
        RuntimeException last = null;
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            ControlParts parts = role;
            if (parts != null) {
                return coordinate(parts, request);
            }
            int coordinator = coordinatorId();
            if (coordinator >= 0) {
                try {
                    Object reply = transport.call(coordinator, request);
                    if (!(reply instanceof CoordinatorRequest.NotCoordinator)) {
                        return reply;
                    }
                } catch (MemberUnavailableException e) {
                    last = e; // it may be gone: the membership will say so
                }
            }
            Backoff.pause(attempt);
        }
        throw new MemberUnavailableException("no coordinator answered " + request.getClass().getSimpleName() + " within "
                + FIND_COORDINATOR_TIMEOUT.toSeconds() + " s", last);
    }

    // ================================================================ Coordinator: what this member asks

    @Override
    public SlotTable latest() {
        ControlParts parts = role;
        if (parts != null) {
            return parts.control.latest();
        }
        try {
            return (SlotTable) askCoordinator(new CoordinatorRequest.LatestTable());
        } catch (MemberUnavailableException e) {
            return member.table(); // no coordinator now: route with what we have
        }
    }

    @Override
    public void foldBack(int mapId, Object key) {
        askCoordinator(new CoordinatorRequest.FoldBack(mapId, key));
    }

    @Override
    public int mapId(String name, boolean internal) {
        Member me = member;
        if (me != null) {
            int known = me.catalog().find(name);
            if (known >= 0) {
                return known;
            }
        }
        return (Integer) askCoordinator(new CoordinatorRequest.AssignMapId(name, internal));
    }

    // ================================================================ GridControl: the facade's administration

    @Override
    public CompletableFuture<GridNode> addNode(String nodeName, int weight) {
        throw new UnsupportedOperationException("a clustered member joins by starting its own process"
                + " (SlotGrid.cluster()...start()); addNode is for an embedded grid");
    }

    @Override
    public CompletableFuture<Void> removeNode(String nodeName) {
        throw new UnsupportedOperationException("a clustered member leaves with SlotGrid.close() in its own process;"
                + " removeNode is for an embedded grid");
    }

    @Override
    public CompletableFuture<Void> rebalance() {
        return CompletableFuture.runAsync(() -> askCoordinator(new CoordinatorRequest.Rebalance()));
    }

    @Override
    public CompletableFuture<Void> migrate(int slot, int target) {
        return CompletableFuture.runAsync(() -> askCoordinator(new CoordinatorRequest.Migrate(slot, target)));
    }

    @Override
    public boolean cancelMigration(int slot) {
        return (Boolean) askCoordinator(new CoordinatorRequest.CancelMigration(slot));
    }

    @Override
    public MigrationStats migrationStats() {
        CoordinatorRequest.MigrationCounts c = (CoordinatorRequest.MigrationCounts) askCoordinator(
                new CoordinatorRequest.MigrationCounters());
        return new MigrationStats(c.slotsDone(), c.slotsCancelled(), c.slotsFailed(), c.inFlight(), c.queued(),
                c.entriesMoved(), c.entriesPerSecond(), c.entriesLeft(), c.cutovers(), c.cutoverP50Nanos(),
                c.cutoverP99Nanos(), c.cutoverMaxNanos());
    }

    @Override
    public void addIndex(String mapName, IndexDefinition definition) {
        askCoordinator(new CoordinatorRequest.AddIndex(mapName, definition));
    }

    @Override
    public List<IndexDefinition> indexes(String mapName) {
        int mapId = mapId(MapCatalog.checkName(mapName), false);
        List<IndexDefinition> ready = new ArrayList<>();
        for (IndexDef def : member.indexes().of(mapId).all) {
            if (def.state == IndexDef.READY) {
                ready.add(def.definition);
            }
        }
        return List.copyOf(ready);
    }

    @Override
    public IndexStats indexStats() {
        return IndexLag.stats(cluster);
    }

    @Override
    public IndexVerification verifyIndex(String mapName, String indexName) {
        return (IndexVerification) askCoordinator(new CoordinatorRequest.VerifyIndex(mapName, indexName));
    }

    @Override
    public void declareMergeable(int mapId, String merger) {
        askCoordinator(new CoordinatorRequest.DeclareMergeable(mapId, merger));
    }

    @Override
    public void nearCache(int mapId, Object key, boolean on) {
        askCoordinator(new CoordinatorRequest.NearCache(mapId, key, on));
    }

    @Override
    public void salt(int mapId, Object key, int parts) {
        askCoordinator(new CoordinatorRequest.Salt(mapId, key, parts));
    }

    @Override
    public int pin(int mapId, Object key, int naturalSlot, int target) {
        return (Integer) askCoordinator(new CoordinatorRequest.Pin(mapId, key, naturalSlot, target));
    }

    @Override
    public boolean unpin(int mapId, Object key, int naturalSlot) {
        return (Boolean) askCoordinator(new CoordinatorRequest.Unpin(mapId, key, naturalSlot));
    }

    @Override
    public HotKeyStats hotKeyStats() {
        return (HotKeyStats) askCoordinator(new CoordinatorRequest.HotKeyStatsQuery());
    }

    @Override
    public void acknowledgeLostSlots() {
        askCoordinator(new CoordinatorRequest.AcknowledgeLost());
    }

    @Override
    public void close() {
        ControlParts parts = role;
        if (parts != null) {
            parts.close();
        }
    }
}
