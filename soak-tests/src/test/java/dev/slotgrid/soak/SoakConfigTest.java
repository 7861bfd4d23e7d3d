package dev.slotgrid.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SoakConfigTest {

    @Test
    void defaults_areATenMinuteRunWithASpikeAt40Percent() {
        SoakConfig config = SoakConfig.parse("--seed=1");
        assertThat(config.duration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.spikeAt()).isEqualTo(Duration.ofMinutes(4));
        assertThat(config.spikeFor()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.readPercent() + config.writePercent() + config.mergePercent()).isEqualTo(100);
        assertThat(config.hasSpike()).isTrue();
    }

    @Test
    void bothOptionForms_andEveryTimeUnit_parse() {
        SoakConfig config = SoakConfig.parse("--duration", "90s", "--spike-at=1.5m", "--spike-for=500ms",
                "--churn-every=0", "--mix=50/30/20", "--zipf=1.2");
        assertThat(config.duration()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.spikeAt()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.spikeFor()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.churnEvery()).isZero();
        assertThat(config.writePercent()).isEqualTo(30);
        assertThat(config.zipfTheta()).isEqualTo(1.2);
        assertThat(config.hasSpike()).as("starts at the very end").isFalse();
    }

    @Test
    void toArgs_repeatsTheRunExactly() {
        SoakConfig config = SoakConfig.parse("--duration=75s", "--spike-at=20%", "--keys=5000", "--seed=-17");
        assertThat(SoakConfig.parse(config.toArgs().toArray(String[]::new))).isEqualTo(config);
    }

    @Test
    void mistakes_areNamed() {
        assertThatThrownBy(() -> SoakConfig.parse("--durration=1m")).hasMessageContaining("unknown option --durration");
        assertThatThrownBy(() -> SoakConfig.parse("--mix=70/20")).hasMessageContaining("mix");
        assertThatThrownBy(() -> SoakConfig.parse("--mix=70/20/20")).hasMessageContaining("summing to 100");
        assertThatThrownBy(() -> SoakConfig.parse("--duration=5x")).hasMessageContaining("unknown time unit");
        assertThatThrownBy(() -> SoakConfig.parse("--churn-every=10%")).hasMessageContaining("percentage");
        assertThatThrownBy(() -> SoakConfig.parse("--kill-every=30s")).hasMessageContaining("kill-every needs jvms >= 3");
        assertThatThrownBy(() -> SoakConfig.parse("--jvms=2", "--nodes=2", "--kill-every=30s"))
                .hasMessageContaining("kill-every needs jvms >= 3");
        assertThat(SoakConfig.parse("--jvms=5", "--nodes=5", "--kill-every=30s").killEvery()).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> SoakConfig.parse("--keys")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> SoakConfig.parse("--nodes=three")).hasMessageContaining("bad number");
        assertThatThrownBy(() -> SoakConfig.parse("--indexes=maybe")).hasMessageContaining("indexes must be on or off");
    }

    @Test
    void usage_listsEveryOption() {
        for (String option : SoakConfig.OPTIONS.keySet()) {
            assertThat(SoakConfig.usage()).contains("--" + option);
        }
    }
}
