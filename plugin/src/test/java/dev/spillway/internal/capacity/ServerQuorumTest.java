package dev.spillway.internal.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.NoQuorumException;
import dev.spillway.internal.capacity.ServerQuorum.Member;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ServerQuorumTest {
    private static final Member A = member("a");
    private static final Member B = member("b");
    private static final Member C = member("c");
    private static final Member D = member("d");

    private static Member member(String name) {
        return new Member(UUID.randomUUID(), name);
    }

    private static ServerQuorum cluster(Member... servers) {
        ServerQuorum q = new ServerQuorum();
        for (int i = 1; i <= servers.length; i++)
            q.observe(List.of(servers).subList(0, i));
        return q;
    }

    @Test
    @DisplayName("a side with a strict majority of the servers the cluster has had accepts; 2|2 and 1 of 4 refuse")
    void strictMajority() {
        ServerQuorum q = cluster(A, B, C, D);
        assertThat(q.observe(List.of(A, B, C))).isTrue();
        assertThat(q.observe(List.of(A, B))).isFalse();
        assertThat(q.observe(List.of(D))).isFalse();
        assertThat(q.observe(List.of(A, B, C, D))).isTrue();
    }

    @Test
    @DisplayName("a server that fails stays expected; one stopped on purpose does not, so a 2-node restart goes on")
    void departuresLowerWhatIsExpected() {
        ServerQuorum failed = cluster(A, B);
        assertThat(failed.observe(List.of(A))).as("B failed: A may be the smaller side").isFalse();

        ServerQuorum stopped = cluster(A, B);
        stopped.departed(B);
        assertThat(stopped.hasMajority()).isTrue();
        assertThat(stopped.observe(List.of(A))).isTrue();
        assertThat(stopped.expected()).containsExactly("a");
        // B comes back under its name with a new node id: expected again.
        Member restarted = new Member(UUID.randomUUID(), "b");
        assertThat(stopped.observe(List.of(A, restarted))).isTrue();
        assertThat(stopped.expected()).containsExactly("a", "b");
    }

    @Test
    @DisplayName("missing: the servers that failed and have not come back, not those stopped on purpose")
    void missing() {
        ServerQuorum q = cluster(A, B, C, D);
        q.departed(D);
        q.observe(List.of(A, C));
        assertThat(q.missing()).containsExactly("b");
        q.observe(List.of(A, B, C));
        assertThat(q.missing()).isEmpty();
    }

    @Test
    @DisplayName("a topology observed late, still holding a departed node, does not count it again")
    void lateTopologyAfterDeparture() {
        ServerQuorum q = cluster(A, B);
        q.departed(B);
        assertThat(q.observe(List.of(A, B))).isTrue();
        assertThat(q.expected()).containsExactly("a");
        assertThat(q.observe(List.of(A))).isTrue();
    }

    @Test
    @DisplayName("a restart under the same name is one member, not two")
    void restartUnderTheSameName() {
        ServerQuorum q = cluster(A, B, C);
        Member c2 = new Member(UUID.randomUUID(), "c");
        assertThat(q.observe(List.of(A, B, c2))).isTrue();
        assertThat(q.expected()).containsExactly("a", "b", "c");
        assertThat(q.observe(List.of(c2))).isFalse();
    }

    @Test
    @DisplayName("a joining node starts from the servers the cluster expects, not only those it sees")
    void joinerTakesTheClustersExpectation() {
        ServerQuorum joiner = new ServerQuorum();
        joiner.join(List.of("a", "b", "c", "d"));
        Member e = member("e");
        assertThat(joiner.observe(List.of(A, B, e))).as("3 of 5").isTrue();
        assertThat(joiner.observe(List.of(A, e))).as("2 of 5").isFalse();
    }

    @Test
    @DisplayName("a refusal names the action, the servers seen, those expected and the majority needed")
    void refusalNamesEverything() {
        ServerQuorum q = cluster(A, B, C, D);
        assertThatThrownBy(() -> q.refuseUnlessMajority("Saving app/7", List.of(C, D)))
            .isInstanceOfSatisfying(NoQuorumException.class, e -> {
                assertThat(e.visibleServers()).containsExactly("c", "d");
                assertThat(e.expectedServers()).containsExactly("a", "b", "c", "d");
            })
            .hasMessageContaining("Saving app/7 refused by split-brain protection")
            .hasMessageContaining("2 of the 4 Spillway servers expected [a, b, c, d]")
            .hasMessageContaining("strict majority (3)");
    }

    @Test
    @DisplayName("a node that has observed no topology yet (a client before its caches start) judges what it sees")
    void nothingObservedYet() {
        ServerQuorum client = new ServerQuorum();
        client.refuseUnlessMajority("Saving app", List.of(A));
        client.join(List.of("a", "b", "c"));
        assertThatThrownBy(() -> client.refuseUnlessMajority("Saving app", List.of(A)))
            .isInstanceOf(NoQuorumException.class);
        client.refuseUnlessMajority("Saving app", List.of(A, B));
    }
}
