package dev.slotgrid.examples;

import dev.slotgrid.GridMap;
import dev.slotgrid.MemberProcess;
import dev.slotgrid.SlotGrid;
import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.SlotTable;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The demo's last scene: one member per JVM, as a service embeds SlotGrid. This JVM founds a
 * cluster on loopback and starts two member processes ({@link MemberProcess}); the slots move to
 * them live while keys written here are read back through their consoles; then it stops them.
 */
final class ThreeJvmsScene {

    private static final int KEYS = 10_000;
    private static final Duration START = Duration.ofSeconds(120);

    private final PrintStream out;
    private final Duration sceneLength;

    ThreeJvmsScene(PrintStream out, Duration sceneLength) {
        this.out = out;
        this.sceneLength = sceneLength;
    }

    void run() throws InterruptedException {
        String cluster = "demo-" + ProcessHandle.current().pid();
        String secret = UUID.randomUUID().toString();
        int seedPort = freePort();
        String seed = "127.0.0.1:" + seedPort;
        Path logs = tempDirectory();
        List<MemberProcess> processes = new ArrayList<>();
        SlotGrid a = SlotGrid.cluster().clusterName(cluster).memberName("a").secret(secret).bindAddress("127.0.0.1")
                .membershipPort(seedPort).seeds(seed).jmx(false).start();
        try {
            out.printf("   member a: this JVM (pid %d), founded cluster '%s' on %s%n", ProcessHandle.current().pid(),
                    cluster, seed);
            GridMap<String, String> users = a.map("users");
            for (int i = 0; i < KEYS; i++) {
                users.put("user:" + i, "profile-" + i);
            }
            out.printf(Locale.ROOT, "   %,d keys written through a%n", KEYS);
            for (String name : List.of("b", "c")) {
                int port = freePort();
                MemberProcess member = MemberProcess.start(new MemberProcess.Spec(cluster, name, port,
                        List.of(seed, "127.0.0.1:" + port), secret,
                        List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dhazelcast.logging.type=none"),
                        List.of(), logs.resolve("member-" + name + ".log"), START, START));
                processes.add(member);
                out.printf("   member %s: JVM pid %d, admitted%n", name, member.pid());
            }

            long end = System.nanoTime() + sceneLength.toNanos();
            SlotTable table = a.table();
            while (System.nanoTime() - end < 0 && !settled(table)) {
                TimeUnit.MILLISECONDS.sleep(1000); // a progress line a second; the loop ends at the scene's end
                table = a.table();
                out.println("   " + describe(table));
            }
            out.println("   " + describe(table) + (settled(table) ? ": settled" : ": still moving, calls served meanwhile"));

            MemberProcess b = processes.get(0);
            MemberProcess c = processes.get(1);
            int sampled = 0;
            int found = 0;
            for (int i = 0; i < KEYS; i += KEYS / 50) {
                MemberProcess reader = (i / (KEYS / 50)) % 2 == 0 ? b : c;
                sampled++;
                if (reader.expect("get users user:" + i, "VALUE").equals("profile-" + i)) {
                    found++;
                }
            }
            out.printf("   read back through b's and c's consoles: %d of %d sampled keys%n", found, sampled);
            b.expect("incr hits home", "VALUE");
            c.expect("incr hits home", "VALUE");
            Long hits = a.<String, Long>map("hits").get("home");
            out.printf("   incr through b, incr through c, get through a: hits = %d%n", hits);
        } finally {
            try {
                a.terminate(); // first, so that its migrations stop before the others vanish
            } finally {
                for (MemberProcess member : processes) {
                    member.kill(); // the demo is over: nothing to hand over
                }
            }
        }
        out.printf("   the member processes are stopped (their output: %s)%n", logs);
    }

    /** Three members with their fair shares, nothing moving. */
    private static boolean settled(SlotTable table) {
        if (table.nodes().size() != 3 || !table.migrations().isEmpty()) {
            return false;
        }
        return table.nodes().stream().allMatch(node -> table.slotCount(node.id()) >= SlotTable.SLOTS / 3 - 1);
    }

    private static String describe(SlotTable table) {
        StringBuilder line = new StringBuilder("epoch ").append(table.epoch()).append(':');
        for (NodeInfo node : table.nodes()) {
            line.append(String.format(Locale.ROOT, " %s %,d slots", node.name(), table.slotCount(node.id())));
        }
        return line.append(String.format(Locale.ROOT, ", %,d moving", table.migrations().size())).toString();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static Path tempDirectory() {
        try {
            return Files.createTempDirectory("slotgrid-demo-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for the member processes' output", e);
        }
    }
}
