package dev.spillway.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ignite.client.IgniteClient;
import org.apache.ignite.configuration.ClientConfiguration;
import org.junit.jupiter.api.Test;

/** A retired thin client closes once its last reader or writer is done; the application's configuration is kept. */
class ThinLinkTest {
    @Test
    void closesWithItsLastHold() {
        AtomicInteger closed = new AtomicInteger();
        ThinLink link = new ThinLink(client(closed));
        assertThat(link.hold()).as("a reader takes a hold").isTrue();
        assertThat(link.hold()).as("a writer takes a hold").isTrue();

        link.release();
        link.release();
        assertThat(closed).as("the client's own hold is left").hasValue(0);
        assertThat(link.hold()).isTrue();
        link.release();

        link.release();
        assertThat(closed).as("retired with no reader or writer left").hasValue(1);
        assertThat(link.hold()).as("a closed link takes no hold").isFalse();
    }

    @Test
    void copiesTheConfigurationItChanges() {
        ClientConfiguration app = new ClientConfiguration().setAddresses("127.0.0.1:10800").setTimeout(5000)
            .setPartitionAwarenessEnabled(false).setUserName("u");
        ClientConfiguration own = SpillwayClient.copyOf(app).setTimeout(6000).setPartitionAwarenessEnabled(true);
        SentTo.listenOn(own);

        assertThat(own.getAddresses()).containsExactly("127.0.0.1:10800");
        assertThat(own.getUserName()).isEqualTo("u");
        assertThat(app.getTimeout()).isEqualTo(5000);
        assertThat(app.isPartitionAwarenessEnabled()).isFalse();
        assertThat(app.getEventListeners()).isNull();
        assertThat(own.getEventListeners()).hasSize(1);
        SentTo.listenOn(own);
        assertThat(own.getEventListeners()).as("added once").hasSize(1);
    }

    private static IgniteClient client(AtomicInteger closed) {
        return (IgniteClient)Proxy.newProxyInstance(ThinLinkTest.class.getClassLoader(),
            new Class<?>[] {IgniteClient.class}, (proxy, method, args) -> {
                if (method.getName().equals("close"))
                    closed.incrementAndGet();
                return null;
            });
    }
}
