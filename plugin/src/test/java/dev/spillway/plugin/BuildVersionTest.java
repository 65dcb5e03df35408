package dev.spillway.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BuildVersionTest {
    @Test
    @DisplayName("the plugin reports the version of the build it comes from, the project's version in the pom")
    void reportsTheBuildsVersion() throws IOException {
        // The module's pom names the project version once, as its parent's version (Surefire runs in the module).
        Matcher m = Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL)
            .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(m.find()).isTrue();
        assertThat(new SpillwayPluginProvider().version()).isEqualTo(m.group(1)).isEqualTo(BuildVersion.VALUE);
    }

    @Test
    @DisplayName("classes the build did not process (no file, or the placeholder left as written) report unknown")
    void unknownWithoutABuild() {
        assertThat(BuildVersion.read(null)).isEqualTo(BuildVersion.UNKNOWN);
        assertThat(BuildVersion.read(stream("version=${project.version}\n"))).isEqualTo(BuildVersion.UNKNOWN);
        assertThat(BuildVersion.read(stream("# no version\n"))).isEqualTo(BuildVersion.UNKNOWN);
        assertThat(BuildVersion.read(stream("version=1.2.3\n"))).isEqualTo("1.2.3");
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
