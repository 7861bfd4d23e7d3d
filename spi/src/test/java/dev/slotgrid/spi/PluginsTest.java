package dev.slotgrid.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PluginsTest {

    /** A contract for this test, with plugins registered in src/test/resources/META-INF/services. */
    public interface Greeter extends Plugin {
        String greet();
    }

    public static final class Hello implements Greeter {
        @Override
        public String name() {
            return "hello";
        }

        @Override
        public String greet() {
            return "hello";
        }
    }

    public static final class Bonjour implements Greeter {
        @Override
        public String name() {
            return "bonjour";
        }

        @Override
        public String greet() {
            return "bonjour";
        }
    }

    /** Two plugins of this contract claim one name. */
    public interface Clash extends Plugin {
    }

    public static final class ClashA implements Clash {
        @Override
        public String name() {
            return "same";
        }
    }

    public static final class ClashB implements Clash {
        @Override
        public String name() {
            return "same";
        }
    }

    @Test
    void load_findsAPluginByName() {
        assertThat(Plugins.load(Greeter.class, "bonjour").greet()).isEqualTo("bonjour");
        assertThat(Plugins.load(Greeter.class, "hello")).isInstanceOf(Hello.class);
        assertThat(Plugins.names(Greeter.class)).containsExactly("bonjour", "hello");
    }

    @Test
    void anUnknownName_listsTheNamesAvailable() {
        assertThatThrownBy(() -> Plugins.load(Greeter.class, "hola")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no Greeter plugin named 'hola'; available: bonjour, hello");
    }

    @Test
    void twoPluginsWithOneName_areAnError() {
        assertThatThrownBy(() -> Plugins.load(Clash.class, "same")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two Clash plugins are named 'same'");
    }

    @Test
    void checkedSlotOf_rejectsASlotOutOfRange_namingPluginAndKey() {
        Partitioner negative = new Partitioner() {
            @Override
            public String name() {
                return "negative";
            }

            @Override
            public int slotOf(Object key) {
                return -1;
            }
        };
        assertThatThrownBy(() -> Partitioner.checkedSlotOf(negative, "user:1")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("partitioner 'negative'").hasMessageContaining("returned slot -1")
                .hasMessageContaining("key 'user:1' (java.lang.String)");
        Partitioner last = new Partitioner() {
            @Override
            public String name() {
                return "last";
            }

            @Override
            public int slotOf(Object key) {
                return Partitioner.SLOT_COUNT - 1;
            }
        };
        assertThat(Partitioner.checkedSlotOf(last, "k")).isEqualTo(16383);
    }
}
