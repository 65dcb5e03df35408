package dev.spillway.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JdkFlagsTest {
    @Test
    @DisplayName("the options the build wrote from the parent pom, java.nio's among them; this test JVM has them all")
    void options() {
        assertThat(JdkFlags.options()).contains("--add-opens=java.base/java.nio=ALL-UNNAMED")
            .allSatisfy(o -> assertThat(o).matches("--add-opens=[\\w.]+/[\\w.]+=ALL-UNNAMED"));
        assertThat(JdkFlags.missing(JdkFlags.options())).isEmpty();
    }

    @Test
    @DisplayName("a package not opened is missing; a module this runtime lacks is not asked for")
    void missing() {
        assertThat(JdkFlags.missing(List.of("--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED",
            "--add-opens=no.such.module/no.such.pkg=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED")))
            .containsExactly("--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED");
    }
}
