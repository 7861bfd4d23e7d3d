package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link Transport#send}'s contract on the network binding: a failure comes in the future, never thrown. */
class NetworkTransportContractTest {

    @Test
    void send_toAMemberWithNoKnownAddress_failsTheFuture_insteadOfThrowing() {
        NetworkTransport transport = new NetworkTransport(new MessageCodec(dev.slotgrid.spi.Codecs.defaults()),
                new Handshake("contract", "secret"), "alone", new InetSocketAddress("127.0.0.1", 0), 1 << 20,
                TimeUnit.SECONDS.toNanos(5), 0, 16, id -> null, (request, fallback) -> fallback);
        try {
            // a caller that fans out to several members (replication, repair) collects futures: a throw
            // here would skip the others' answers and leave the batch's writers waiting
            CompletableFuture<Object> answer = transport.send(7, new ControlRequest.StatsQuery());
            assertThatThrownBy(answer::get).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(MemberUnavailableException.class)
                    .hasMessageContaining("no data-plane address is known for member 7");
            assertThatThrownBy(() -> transport.call(7, new ControlRequest.StatsQuery()))
                    .isInstanceOf(MemberUnavailableException.class);
            assertThat(answer).isCompletedExceptionally();
        } finally {
            transport.close();
        }
    }
}
