package dev.spillway.internal.security;

import dev.spillway.PasswordHash;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.CheckpointAction;
import dev.spillway.ConfigurationProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecurityFileTest {
    private static final String HASH = PasswordHash.create("node-secret".toCharArray(), PasswordHash.MIN_ITERATIONS)
        .toString();

    @TempDir
    Path dir;

    private Path write(String text, String mode) throws IOException {
        Path file = dir.resolve("security.properties");
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    private static List<String> messages(SecurityFile f) {
        return f.problems().stream().map(ConfigurationProblem::message).toList();
    }

    @Test
    void aGoodServerFileGivesEachIdentityItsGrants() throws IOException {
        SecurityFile f = SecurityFile.read(write("""
            node.identity = node
            node.password = node-secret
            identity.node.password = %s
            identity.node.role = server
            identity.orders.password = %s
            identity.orders.save = orders-*, shared
            identity.orders.list = *
            identity.orders.caches = scratch-*
            """.formatted(HASH, HASH), "rw-------"), true);

        assertThat(f.problems()).isEmpty();
        assertThat(f.nodeIdentity()).isEqualTo("node");
        assertThat(new String(f.nodePassword())).isEqualTo("node-secret");
        Grants node = f.identities().get("node").grants();
        assertThat(node.role()).isEqualTo(Grants.Role.SERVER);
        assertThat(node.allows(CheckpointAction.DELETE, "anything")).isTrue();
        Grants orders = f.identities().get("orders").grants();
        assertThat(orders.role()).isEqualTo(Grants.Role.CLIENT);
        assertThat(orders.allows(CheckpointAction.SAVE, "orders-eu")).isTrue();
        assertThat(orders.allows(CheckpointAction.SAVE, "shared")).isTrue();
        assertThat(orders.allows(CheckpointAction.SAVE, "shared-2")).isFalse();
        assertThat(orders.allows(CheckpointAction.SAVE, "billing")).isFalse();
        assertThat(orders.allows(CheckpointAction.RESTORE, "orders-eu")).as("no restore patterns").isFalse();
        assertThat(orders.allows(CheckpointAction.LIST, "billing")).isTrue();
        assertThat(orders.allowsCache("scratch-1")).isTrue();
        assertThat(orders.allowsCache("spillway-chunks")).isFalse();
        assertThat(f.identities().get("orders").password().matches("node-secret".toCharArray())).isTrue();
        assertThat(f.identities().get("orders").password().matches("node-secreT".toCharArray())).isFalse();
    }

    @Test
    void everyProblemIsNamedAtOnce() throws IOException {
        SecurityFile f = SecurityFile.read(write("""
            identity.node.password = %s
            identity.node.role = boss
            identity.orders.password = plain-text
            identity.orders.sav = orders-*
            identity.orders.list = a,,b
            """.formatted(HASH), "rw-------"), true);

        assertThat(messages(f)).containsExactlyInAnyOrder(
            "node.identity=(missing) is missing: a node presents its own identity when it joins",
            "node.password=(missing) is missing",
            "identity.node.role=boss is not a role",
            "identity.orders.password=(hidden) is not a password hash: expected pbkdf2-sha256:ITERATIONS:SALT:HASH,"
                + " as ./spillway passwd writes it",
            "identity.orders.sav=orders-* is not a setting of the security file",
            "identity.orders.list=a,,b has an empty pattern");
    }

    @Test
    void aServerMustPresentAServerIdentityOfItsOwnFileWithItsPassword() throws IOException {
        String table = "identity.node.password = %s\nidentity.node.role = server\nidentity.app.password = %s\n"
            .formatted(HASH, HASH);
        assertThat(messages(SecurityFile.read(write("node.identity = app\nnode.password = node-secret\n" + table,
            "rw-------"), true)))
            .containsExactly("node.identity=app is a client identity: a server node joins as a server identity");
        assertThat(messages(SecurityFile.read(write("node.identity = node\nnode.password = wrong\n" + table,
            "rw-------"), true)))
            .containsExactly("node.password=(hidden) does not match identity.node.password");
        assertThat(messages(SecurityFile.read(write("node.identity = ghost\nnode.password = x\n" + table,
            "rw-------"), true)))
            .containsExactly("node.identity=ghost is not among the identities of this server node's file: the "
                + "first node of a cluster authenticates itself");
        assertThat(SecurityFile.read(write("node.identity = app\nnode.password = whatever\n", "rw-------"), false)
            .problems()).as("a thick client's file holds only its own identity").isEmpty();
    }

    @Test
    void quotasAreCountsAndSizes() throws IOException {
        SecurityFile f = SecurityFile.read(write("""
            node.identity = app
            node.password = x
            identity.app.password = %s
            identity.app.maxSessions = 3
            identity.app.maxReserved = 2GB
            identity.app.maxCheckpoint = 512 mb
            identity.bad.password = %s
            identity.bad.maxSessions = 3MB
            identity.bad.maxReserved = lots
            identity.bad.maxCheckpoint = 0
            """.formatted(HASH, HASH), "rw-------"), false);
        assertThat(f.identities().get("app").grants().quotas()).isEqualTo(new Quotas(3, 2L << 30, 512L << 20));
        assertThat(messages(f)).containsExactlyInAnyOrder(
            "identity.bad.maxSessions=3MB is not a positive whole number",
            "identity.bad.maxReserved=lots is not a positive size such as 512MB or 2GB",
            "identity.bad.maxCheckpoint=0 is not a positive size such as 512MB or 2GB");
    }

    @Test
    void aFileOthersCanReadIsRefused() throws IOException {
        Path file = write("node.identity = app\nnode.password = x\n", "rw-r--r--");
        assertThat(messages(SecurityFile.read(file, false))).containsExactly("spillway.securityFile=" + file
            + " can be read or written by other users (mode rw-r--r--); it holds the node's password: chmod 600 it");
        assertThat(messages(SecurityFile.read(dir.resolve("absent"), false)))
            .containsExactly("spillway.securityFile=" + dir.resolve("absent") + " is not a file");
    }

    @Test
    void passwordHashesRoundTripAndRefuseWeakOrMalformedText() {
        PasswordHash h = PasswordHash.create("pw".toCharArray(), 2_000);
        PasswordHash read = PasswordHash.parse(h.toString());
        assertThat(read.iterations()).isEqualTo(2_000);
        assertThat(read.matches("pw".toCharArray())).isTrue();
        assertThat(read.matches("pw ".toCharArray())).isFalse();
        assertThatThrownBy(() -> PasswordHash.parse(h.toString().replace(":2000:", ":10:")))
            .hasMessage("has 10 iterations; at least 1000");
        assertThatThrownBy(() -> PasswordHash.parse("pbkdf2-sha256:2000:%%%:%%%"))
            .hasMessage("has a salt or hash that is not base64");
    }

    @Test
    void patternsMatchWholeNames() {
        assertThat(new Pattern("orders-*").matches("orders-")).isTrue();
        assertThat(new Pattern("orders-*").matches("orders-eu-1")).isTrue();
        assertThat(new Pattern("orders-*").matches("xorders-eu")).isFalse();
        assertThat(new Pattern("*-eu").matches("orders-eu")).isTrue();
        assertThat(new Pattern("*-eu").matches("orders-eu-2")).isFalse();
        assertThat(new Pattern("a*b*c").matches("aXbYbZc")).isTrue();
        assertThat(new Pattern("a*b*c").matches("aXbYbZ")).isFalse();
        assertThat(Pattern.ANY.matches("")).isTrue();
        assertThat(new Pattern("exact").matches("exact")).isTrue();
        assertThat(new Pattern("exact").matches("exactly")).isFalse();
    }
}
