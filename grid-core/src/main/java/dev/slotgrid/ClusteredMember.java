package dev.slotgrid;

import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.SlotTable;
import java.net.InetSocketAddress;
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
 * <p>Other members ask the coordinator through {@link CoordinatorRequest}s ({@link CoordinatorClient});
 * one that is not the coordinator answers {@link CoordinatorRequest.NotCoordinator}, and the asker
 * finds the new one (the oldest member in Hazelcast's list) and asks again. It takes over, and
 * declares members dead, only with a {@link Quorum} of members that confirm it; a member declared
 * dead while it still ran is expelled. A member that becomes the coordinator
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
final class ClusteredMember {

    private static final System.Logger LOG = System.getLogger(ClusteredMember.class.getName());

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
    private final MembershipChanges changes;
    private final CoordinatorService service;
    private volatile Member member;
    /** The control plane while this member coordinates; {@code null} otherwise. */
    private volatile ControlParts role;
    private volatile boolean stopping;
    private final CoordinatorClient client = new CoordinatorClient(this);
    /** Set by {@link #leave()}: a table without this member is then the end of its drain, not an expulsion. */
    private volatile boolean leaving;
    /** Whether a table this member adopted has listed it (the coordinator lists a member just after admitting it). */
    private volatile boolean listed;
    /** Why this member was expelled (declared dead while it still ran); {@code null} while it is a member. */
    private volatile String expelled;
    /** The last tables this member adopted, for {@link #view()}. */
    private final AdoptedTables adopted = new AdoptedTables();
    /** Whether the last reconcile found no quorum (logged on the change only). */
    private boolean withoutQuorum;
    /** Confirmations of this member by a majority of its table's members: it serves its slots only with them. */
    private final MajorityLease lease;

    private ClusteredMember(ClusterBuilder builder) {
        this.settings = builder.settings();
        this.controlSettings = builder.controlSettings();
        GridConfig config = builder.config();
        Handshake handshake = new Handshake(settings.clusterName(), settings.secret());
        this.transport = new NetworkTransport(new MessageCodec(builder.codecs()), handshake, settings.memberName(),
                new InetSocketAddress(settings.bindAddress(), settings.dataPort()), settings.maxFrameBytes(),
                settings.callTimeout().toNanos(), settings.spinWait().toNanos(), settings.maxInFlight(),
                this::addressOf, NetworkTransport::timeoutFor);
        FaultInjector faults = builder.faults();
        this.cluster = new Cluster(builder.gridName(), config, names -> faults == null ? transport
                : new FaultyTransport(transport, faults, id -> nameOf(id, names), settings.memberName()));
        this.lease = new MajorityLease(settings.memberName(), MajorityLease.forFailureTimeout(settings.failureTimeout()),
                cluster.transport(), () -> {
                    Member me = member;
                    return me == null ? null : me.table();
                }, System::nanoTime, true);
        this.changes = new MembershipChanges(cluster, transport, () -> member, addresses, incarnations, admitting,
                draining);
        this.service = new CoordinatorService(cluster, draining, changes);
        cluster.attachRemote(client);
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
            lease.close();
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
        if (request instanceof CoordinatorRequest.Admit admit) {
            return admitMe(admit);
        }
        if (request instanceof CoordinatorRequest.MemberState) {
            Member me = member;
            List<HazelcastMembership.Peer> peers = membership == null ? List.of() : membership.members();
            return new CoordinatorRequest.MemberView(me == null ? null : me.table(),
                    peers.isEmpty() ? null : peers.get(0).name());
        }
        if (request instanceof CoordinatorRequest.LeaseProbe probe) {
            return confirms(probe.member(), probe.id());
        }
        if (request instanceof CoordinatorRequest coordinatorRequest) {
            ControlParts parts = role;
            if (parts == null) {
                return new CoordinatorRequest.NotCoordinator(client.coordinatorId());
            }
            return service.serve(parts, coordinatorRequest);
        }
        Member me = member;
        if (me == null) {
            throw new MemberUnavailableException("member '" + settings.memberName() + "' is not admitted yet");
        }
        return me.handle(request);
    }

    /** A member's name as this member's table has it (the grid's registry knows only this process's member). */
    private String nameOf(int id, java.util.function.IntFunction<String> registered) {
        Member me = member;
        NodeInfo node = me == null ? null : me.table().node(id);
        return node != null ? node.name() : registered.apply(id);
    }

    /**
     * Whether this member vouches for another's lease: it is a member itself, its table lists the
     * other under that id, and its membership sees it (a member the membership lost is about to be declared dead).
     */
    private boolean confirms(String asker, int id) {
        Member me = member;
        HazelcastMembership view = membership;
        if (me == null || view == null || expelled != null || stopping) {
            return false;
        }
        NodeInfo listed = me.table().node(id);
        return listed != null && listed.name().equals(asker)
                && view.members().stream().anyMatch(p -> p.name().equals(asker));
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
        Member me = new Member(admit.info(), cluster.config(), admit.table(), cluster.transport(), client, lease);
        me.onTable(table -> followTable(me, table));
        transport.bind(admit.info().id(), this::handle);
        cluster.register(new GridNode(cluster, me));
        adopted.remember(admit.table());
        cluster.followTable(admit.table(), me, admitting);
        member = me;
        admitted.complete(me);
        LOG.log(System.Logger.Level.DEBUG, () -> "member '" + settings.memberName() + "' admitted as #" + admit.info().id());
        return null;
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
        Map<String, HazelcastMembership.Peer> byName = new HashMap<>();
        for (HazelcastMembership.Peer peer : peers) {
            byName.put(peer.name(), peer);
        }
        Set<String> visible = byName.keySet();
        if (peers.isEmpty() || !peers.get(0).local()) {
            // another member coordinates; this one, if it did, was cut off and merged back younger
            stepDown("an older member is back in its membership");
            return;
        }
        if (member == null) {
            if (peers.size() > 1) {
                return; // the oldest but not admitted: an older grid's coordinator just left; it will be admitted by whoever
            }
            String refusedBy = membership.listeningSeed(settings);
            if (refusedBy != null) {
                String why = "member '" + settings.memberName() + "' was not let into the cluster at seed " + refusedBy
                        + ": a member listens there but did not admit it (another cluster name or another shared secret)";
                LOG.log(System.Logger.Level.WARNING, why);
                admitted.completeExceptionally(new IllegalStateException(why));
                return;
            }
            found();
        } else {
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
            Set<String> confirmed = survey(peers, table).confirming();
            if (!Quorum.holds(table, confirmed)) {
                noQuorum(confirmed);
                retryLater();
                return;
            }
            for (NodeInfo info : dead) {
                changes.died(parts, info);
            }
        }
        for (HazelcastMembership.Peer peer : peers) {
            if (!peer.local() && parts.control.latest().nodes().stream().noneMatch(n -> n.name().equals(peer.name()))) {
                changes.admit(parts, peer);
            }
        }
    }

    /** The first member: a table with itself owning every slot, and the coordinator role. */
    private synchronized void found() {
        NodeInfo me = new NodeInfo(0, settings.memberName(), settings.weight());
        SlotTable initial = SlotTable.initial(List.of(me));
        if (controlSettings.backups() > 0) { // ranks without copies yet: the repair fills them as members join
            initial = dev.slotgrid.slot.ReplicaPlanner.plan(initial, List.of(me), controlSettings.backups()).target();
        }
        Member founder = new Member(me, cluster.config(), initial, cluster.transport(), client, lease);
        founder.onTable(table -> followTable(founder, table));
        transport.bind(me.id(), this::handle);
        cluster.register(new GridNode(cluster, founder));
        member = founder;
        ControlParts parts = new ControlParts(cluster, initial, controlSettings, null, null, draining::contains);
        parts.start();
        role = parts;
        admitted.complete(founder);
        LOG.log(System.Logger.Level.DEBUG, () -> "member '" + me.name() + "' founded the grid");
    }

    private Survey survey(List<HazelcastMembership.Peer> peers, SlotTable known) {
        return Survey.take(transport, settings.memberName(), settings.failureTimeout(), peers, known);
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
        cluster.attachRemote(client);
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
        SlotTable best = survey.best();
        if (!lists(best, me)) {
            expel(expulsion(me, "the newest table of its grid (epoch " + best.epoch() + ") does not list it"));
            return false;
        }
        if (!Quorum.holds(best, survey.confirming())) {
            noQuorum(survey.confirming());
            retryLater(); // the others may not have noticed the old coordinator's departure yet
            return false;
        }
        ControlParts parts = new ControlParts(cluster, best, controlSettings, null, null, draining::contains);
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
        parts.replicas.request(); // what the previous coordinator had not re-created yet
        LOG.log(System.Logger.Level.INFO, "member '" + settings.memberName() + "' is the coordinator from epoch "
                + parts.control.latest().epoch());
        return true;
    }

    /**
     * Follows a table this member adopted. One that no longer lists it, after one that did, expels it
     * (but for its own graceful leave); tables between its admission and its listing do not list it yet.
     */
    private void followTable(Member me, SlotTable table) {
        adopted.remember(table);
        cluster.followTable(table, me, admitting);
        if (lists(table, me)) {
            listed = true;
        } else if (listed && !leaving && !stopping) {
            expel(expulsion(me, "table epoch " + table.epoch() + " no longer lists it"));
        }
    }

    private static boolean lists(SlotTable table, Member me) {
        NodeInfo entry = table.node(me.id());
        return entry != null && entry.name().equals(me.name());
    }

    /**
     * This member's own view, asking nobody: {@code epoch=.. coordinator=.. expelled=.. tables=epoch:digest,..}.
     * Two members that show the same epoch with different digests were given conflicting tables.
     */
    String view() {
        Member me = member;
        return "epoch=" + (me == null ? -1 : me.table().epoch()) + " coordinator=" + (role != null) + " expelled="
                + (expelled != null) + " majority=" + lease.holds() + " tables=" + adopted;
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
        Member me = member;
        transport.bind(me == null ? -1 : me.id(), request -> { // nor anything sent to it, local calls included
            throw new MemberUnavailableException(why);
        });
        LOG.log(System.Logger.Level.WARNING, why);
        Thread stopper = new Thread(() -> {
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

    /** Graceful leave of this member: drained by the coordinator (itself, if it is), before it stops. */
    void leave() {
        Member me = member;
        if (me == null || stopping || expelled != null) {
            return;
        }
        leaving = true;
        try {
            if (cluster.table().nodes().size() > 1) {
                client.ask(new CoordinatorRequest.Leave(me.id()));
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
        lease.close();
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
        lease.close();
        membership.stop(false);
        transport.close();
    }

    // ================================================================ for the coordinator client

    /** What the facade and this member ask of the control plane. */
    CoordinatorClient client() {
        return client;
    }

    Member member() {
        return member;
    }

    CoordinatorService service() {
        return service;
    }

    ControlParts role() {
        return role;
    }

    /** Why this member was expelled, {@code null} while it is a member. */
    String expelledWhy() {
        return expelled;
    }

    List<HazelcastMembership.Peer> peers() {
        return membership.members();
    }

    NetworkTransport transport() {
        return transport;
    }

    void rememberAddress(int memberId, InetSocketAddress address) {
        addresses.putIfAbsent(memberId, address);
    }
}
