package dev.slotgrid;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers a grid and its nodes as MXBeans on the platform MBean server, the JVM's own convention
 * (visible in {@code jconsole}): {@code dev.slotgrid:type=Grid,name=<grid>} and
 * {@code dev.slotgrid:type=Node,grid=<grid>,name=<node>}. Thread-safe.
 */
final class Jmx {

    private static final System.Logger LOG = System.getLogger(Jmx.class.getName());

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final List<ObjectName> registered = new ArrayList<>();

    static ObjectName gridName(String grid) throws JMException {
        return new ObjectName("dev.slotgrid:type=Grid,name=" + ObjectName.quote(grid));
    }

    static ObjectName nodeName(String grid, String node) throws JMException {
        return new ObjectName("dev.slotgrid:type=Node,grid=" + ObjectName.quote(grid) + ",name=" + ObjectName.quote(node));
    }

    static boolean isRegistered(String grid) {
        try {
            return ManagementFactory.getPlatformMBeanServer().isRegistered(gridName(grid));
        } catch (JMException e) {
            throw new IllegalArgumentException("grid name '" + grid + "' cannot name an MBean: " + e.getMessage(), e);
        }
    }

    synchronized void registerGrid(SlotGrid grid) {
        register(grid.name(), () -> gridName(grid.name()), new GridMXBean() {
            @Override
            public String getName() {
                return grid.name();
            }

            @Override
            public int getNodeCount() {
                return grid.nodes().size();
            }

            @Override
            public long getEpoch() {
                return grid.table().epoch();
            }

            @Override
            public long getOperations() {
                return grid.stats().operationsTotal();
            }

            @Override
            public long getEntries() {
                return grid.stats().entries();
            }

            @Override
            public double getSkew() {
                return grid.stats().skew();
            }

            @Override
            public String getSkewBand() {
                return grid.stats().skewBand().name();
            }

            @Override
            public long getMigrationsDone() {
                return grid.migrationStats().slotsDone();
            }

            @Override
            public int getMigrationsLeft() {
                return grid.migrationStats().slotsLeft();
            }

            @Override
            public long getMigrationEntriesMoved() {
                return grid.migrationStats().entriesMoved();
            }

            @Override
            public long getCutoverP99Micros() {
                return grid.migrationStats().cutoverP99Nanos() / 1000;
            }

            @Override
            public long getCutoverMaxMicros() {
                return grid.migrationStats().cutoverMaxNanos() / 1000;
            }
        });
    }

    synchronized void registerNode(String grid, GridNode node) {
        register(grid, () -> nodeName(grid, node.name()), new NodeMXBean() {
            @Override
            public String getName() {
                return node.name();
            }

            @Override
            public int getId() {
                return node.id();
            }

            @Override
            public long getTableEpoch() {
                return node.table().epoch();
            }

            @Override
            public long getOperations() {
                return node.stats().operationsTotal();
            }

            @Override
            public Map<String, Long> getOperationsByType() {
                Map<String, Long> byName = new LinkedHashMap<>();
                node.stats().operations().forEach((type, count) -> byName.put(type.name(), count));
                return byName;
            }

            @Override
            public long getEntries() {
                return node.stats().entries();
            }

            @Override
            public int getSlotsOwned() {
                return node.stats().slotsOwned();
            }

            @Override
            public String getSlotRanges() {
                return node.table().rangesOf(node.id()).toString();
            }

            @Override
            public long getMovedReplies() {
                return node.stats().movedReplies();
            }

            @Override
            public long getRedirectsFollowed() {
                return node.stats().redirectsFollowed();
            }

            @Override
            public long getTryAgainRetries() {
                return node.stats().tryAgainRetries();
            }

            @Override
            public int[] getHottestSlots() {
                return node.stats().hottestSlots(10);
            }
        });
    }

    synchronized void unregisterNode(String grid, GridNode node) {
        try {
            ObjectName name = nodeName(grid, node.name());
            if (registered.remove(name) && server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (JMException e) {
            LOG.log(System.Logger.Level.WARNING, "could not unregister the MBean of node " + node.name(), e);
        }
    }

    synchronized void unregisterAll() {
        for (ObjectName name : registered) {
            try {
                if (server.isRegistered(name)) {
                    server.unregisterMBean(name);
                }
            } catch (JMException e) {
                LOG.log(System.Logger.Level.WARNING, "could not unregister " + name, e);
            }
        }
        registered.clear();
    }

    private interface NameSupplier {
        ObjectName get() throws JMException;
    }

    private void register(String grid, NameSupplier name, Object bean) {
        try {
            ObjectName objectName = name.get();
            server.registerMBean(bean, objectName);
            registered.add(objectName);
        } catch (JMException e) {
            throw new IllegalStateException("could not register the MBeans of grid '" + grid + "': " + e.getMessage(), e);
        }
    }
}
