package dev.slotgrid;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A standalone clustered member from the command line, for operators, the demo and the soak:
 * it starts one member, prints {@code READY ...} once admitted, then serves a line console on
 * standard input until {@code leave} (graceful: its slots move to the others first), the end of
 * input, or SIGTERM (also graceful).
 *
 * <pre>
 * SLOTGRID_SECRET=s3cret java -cp ... dev.slotgrid.MemberLauncher --name a --port 5701 \
 *     --seeds 127.0.0.1:5701,127.0.0.1:5702
 * </pre>
 *
 * <p>Options: {@code --name} (required), {@code --cluster} (default {@code slotgrid}),
 * {@code --bind} (default {@code 127.0.0.1}), {@code --port} membership port (default 5701),
 * {@code --data-port} (default 0: any free port), {@code --seeds host:port,...}, {@code --weight},
 * {@code --backups} (default 1; the founding member's rules),
 * {@code --failure-timeout} and {@code --call-timeout} in seconds, {@code --join-timeout} in
 * seconds. The shared secret comes from the environment variable {@code SLOTGRID_SECRET} or from
 * {@code --secret-file path}, never from the command line (which other users of the machine can
 * read). A bad option exits with status 2 and a message naming it.
 *
 * <p>Console commands, one per line, each answered by one line: {@code put MAP KEY VALUE} →
 * {@code OK previous}; {@code get MAP KEY} → {@code VALUE v}; {@code remove MAP KEY} →
 * {@code OK previous}; {@code incr MAP KEY} → {@code VALUE n} (an atomic counter);
 * {@code size MAP} → {@code SIZE n}; {@code table} → {@code TABLE epoch=.. members=name#id:slots,..
 * lost=n} (the coordinator's table); {@code member} → {@code MEMBER epoch=.. coordinator=true|false
 * expelled=true|false tables=epoch:digest,..} (this member's own view, asking nobody: its table's
 * epoch and a digest of each of the last tables it adopted); {@code stats}; {@code acknowledge-lost};
 * {@code leave}; {@code help}. Keys and values
 * are strings ({@code null} prints as {@code null}); a failure answers {@code ERROR Type: message}.
 */
public final class MemberLauncher {

    private static final String USAGE = "usage: MemberLauncher --name NAME [--cluster NAME] [--bind ADDRESS]"
            + " [--port PORT] [--data-port PORT] [--seeds HOST:PORT,...] [--weight N] [--backups N] [--failure-timeout S]"
            + " [--call-timeout S] [--join-timeout S] [--secret-file PATH]   (the secret: --secret-file or $SLOTGRID_SECRET)\n"
            + "console: put MAP KEY VALUE | get MAP KEY | remove MAP KEY | incr MAP KEY | size MAP | table | member | stats"
            + " | acknowledge-lost | help | leave";

    private MemberLauncher() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println(USAGE);
            return;
        }
        ClusterBuilder builder;
        try {
            builder = configure(parse(args));
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("slotgrid member: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        SlotGrid grid = builder.start();
        Thread onExit = new Thread(grid::close, "slotgrid-member-shutdown");
        Runtime.getRuntime().addShutdownHook(onExit);
        ClusteredMember member = grid.clusteredMember();
        out.println("READY name=" + member.settings().memberName() + " membership=" + member.settings().bindAddress() + ":"
                + member.settings().membershipPort() + " data=" + member.dataAddress().getHostString() + ":"
                + member.dataAddress().getPort());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String trimmed = line.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.equals("leave")) {
                break;
            }
            out.println(answer(grid, trimmed));
        }
        grid.close();
        Runtime.getRuntime().removeShutdownHook(onExit);
        out.println("BYE");
        System.exit(0);
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        List<String> known = List.of("--name", "--cluster", "--bind", "--port", "--data-port", "--seeds", "--weight",
                "--failure-timeout", "--call-timeout", "--join-timeout", "--secret-file", "--backups");
        for (int i = 0; i < args.length; i += 2) {
            if (!known.contains(args[i])) {
                throw new IllegalArgumentException("unknown option '" + args[i] + "'; options: " + known);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            options.put(args[i], args[i + 1]);
        }
        if (!options.containsKey("--name")) {
            throw new IllegalArgumentException("--name is required");
        }
        return options;
    }

    static ClusterBuilder configure(Map<String, String> options) throws IOException {
        ClusterBuilder builder = SlotGrid.cluster().memberName(options.get("--name"));
        String secret = System.getenv("SLOTGRID_SECRET");
        if (options.containsKey("--secret-file")) {
            secret = Files.readString(Path.of(options.get("--secret-file")), StandardCharsets.UTF_8).strip();
        }
        if (secret != null) {
            builder.secret(secret);
        }
        for (Map.Entry<String, String> option : options.entrySet()) {
            String value = option.getValue();
            switch (option.getKey()) {
                case "--cluster" -> builder.clusterName(value);
                case "--bind" -> builder.bindAddress(value);
                case "--port" -> builder.membershipPort(number(option.getKey(), value));
                case "--data-port" -> builder.dataPort(number(option.getKey(), value));
                case "--seeds" -> builder.seeds(value.split(","));
                case "--weight" -> builder.weight(number(option.getKey(), value));
                case "--backups" -> builder.backups(number(option.getKey(), value));
                case "--failure-timeout" -> builder.failureTimeout(Duration.ofSeconds(number(option.getKey(), value)));
                case "--call-timeout" -> builder.callTimeout(Duration.ofSeconds(number(option.getKey(), value)));
                case "--join-timeout" -> builder.joinTimeout(Duration.ofSeconds(number(option.getKey(), value)));
                default -> {
                    // --name and --secret-file: taken above
                }
            }
        }
        return builder;
    }

    private static int number(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, was '" + value + "'");
        }
    }

    /** One console command's answer line. */
    static String answer(SlotGrid grid, String line) {
        String[] words = line.split("\\s+", 4);
        try {
            switch (words[0]) {
                case "put":
                    need(words, 4, "put MAP KEY VALUE");
                    return "OK " + grid.<String, Object>map(words[1]).put(words[2], words[3]);
                case "get":
                    need(words, 3, "get MAP KEY");
                    return "VALUE " + grid.<String, Object>map(words[1]).get(words[2]); // a counter's Long, too
                case "remove":
                    need(words, 3, "remove MAP KEY");
                    return "OK " + grid.<String, Object>map(words[1]).remove(words[2]);
                case "incr":
                    need(words, 3, "incr MAP KEY");
                    return "VALUE " + grid.<String, Long>map(words[1]).merge(words[2], 1L, Long::sum);
                case "size":
                    need(words, 2, "size MAP");
                    return "SIZE " + grid.map(words[1]).size();
                case "table":
                    return table(grid);
                case "member":
                    return grid.clusteredMember() == null ? "ERROR IllegalStateException: not a clustered member"
                            : "MEMBER " + grid.clusteredMember().view();
                case "stats":
                    return "STATS " + grid.stats();
                case "acknowledge-lost":
                    grid.acknowledgeLostSlots();
                    return "OK";
                case "help":
                    return "COMMANDS put MAP KEY VALUE | get MAP KEY | remove MAP KEY | incr MAP KEY | size MAP | table | member"
                            + " | stats | acknowledge-lost | leave";
                default:
                    return "ERROR IllegalArgumentException: unknown command '" + words[0] + "'; try help";
            }
        } catch (RuntimeException e) {
            return "ERROR " + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).replace('\n', ' ');
        }
    }

    private static void need(String[] words, int count, String usage) {
        if (words.length < count) {
            throw new IllegalArgumentException("usage: " + usage + " (got " + Arrays.toString(words) + ")");
        }
    }

    private static String table(SlotGrid grid) {
        dev.slotgrid.slot.SlotTable table = grid.table();
        List<String> members = new ArrayList<>();
        for (dev.slotgrid.slot.NodeInfo info : table.nodes()) {
            members.add(info.name() + "#" + info.id() + ":" + table.slotCount(info.id()));
        }
        return "TABLE epoch=" + table.epoch() + " members=" + String.join(",", members) + " migrating="
                + table.migrations().size() + " lost=" + table.lostSlots().length
                + " missingCopies=" + table.replicas().holes();
    }
}
