package dev.spillway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server distribution's config/spillway.properties, written by hand, against {@link NodeSetting}: every setting
 * listed once, commented out, with its default, its environment variable and its option; no other key.
 */
class DistributionPropertiesTest {
    private static final Path FILE = Path.of("src", "main", "dist", "config", "spillway.properties");
    /** A commented-out setting: {@code #spillway.key=value}. */
    private static final Pattern SETTING = Pattern.compile("^#(spillway\\.[A-Za-z]+)=(.*)$");

    @Test
    @DisplayName("every setting is listed once, commented out, with its default, environment variable and option")
    void listsEverySetting() throws IOException {
        List<String> lines = Files.readAllLines(FILE, StandardCharsets.UTF_8);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = SETTING.matcher(lines.get(i));
            if (!m.matches())
                continue;
            NodeSetting s = NodeSetting.byKey(m.group(1));
            assertThat(s).as("line %d names a setting: %s", i + 1, lines.get(i)).isNotNull();
            keys.add(s.key());
            assertThat(m.group(2)).as("%s's default", s.key())
                .isEqualTo(s.defaultValue() == null ? "" : s.defaultValue());
            assertThat(lines.get(i - 1)).as("the line above %s", s.key())
                .isEqualTo("# (" + s.environment() + ", " + s.option() + ")");
        }
        assertThat(keys).containsExactlyInAnyOrder(
            Arrays.stream(NodeSetting.values()).map(NodeSetting::key).toArray(String[]::new));
    }

    @Test
    @DisplayName("as shipped it sets nothing; with every default uncommented, the node takes each from the file")
    void defaultsResolve(@TempDir Path dir) throws IOException {
        String text = Files.readString(FILE, StandardCharsets.UTF_8);
        Properties shipped = new Properties();
        shipped.load(new StringReader(text));
        assertThat(shipped).isEmpty();

        Path uncommented = dir.resolve("spillway.properties");
        Files.writeString(uncommented, text.lines().map(l -> {
            Matcher m = SETTING.matcher(l);
            return m.matches() && !m.group(2).isEmpty() ? l.substring(1) : l;
        }).collect(Collectors.joining("\n", "", "\n")));
        NodeSettings settings = NodeConfigBuilder.create().propertiesFile(uncommented).settings();
        for (NodeSetting s : NodeSetting.values()) {
            if (s.defaultValue() != null)
                assertThat(settings.source(s)).as(s.key()).isEqualTo(uncommented.toString());
        }
        assertThat(settings.plugin().getRegionMaxSize()).isEqualTo(512L << 20);
    }
}
