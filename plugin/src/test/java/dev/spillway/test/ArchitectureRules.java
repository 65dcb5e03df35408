package dev.spillway.test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleName;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.LocationProvider;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.nio.file.Path;
import java.util.Set;

/**
 * The layering of Spillway's code, as rules every module's {@code ArchitectureTest} checks against its own main
 * classes. A broken rule fails the build with a message naming the class and the dependency that broke it.
 *
 * <pre>
 * dev.spillway            the public API: depends on no other Spillway package
 * dev.spillway.wire       the thin-client wire protocol: depends on the API only
 * dev.spillway.plugin     the PluginProvider and the node's assembly
 * dev.spillway.internal.* the machinery; internal.ignite is the one adapter over Ignite's internals
 * </pre>
 *
 * Applications' side (app-adapter), the node configuration (ignite-config) and the load tests reach the plugin
 * only through the API, the wire package and the plugin provider.
 */
public final class ArchitectureRules {
    private ArchitectureRules() {
    }

    /**
     * The main classes of the module whose tests run ({@code target/classes} under the working directory, which
     * Surefire sets to the module): {@code @AnalyzeClasses(locations = ArchitectureRules.MainClasses.class)}.
     */
    public static final class MainClasses implements LocationProvider {
        @Override
        public Set<Location> get(Class<?> testClass) {
            return Set.of(Location.of(Path.of("target", "classes").toAbsolutePath()));
        }
    }

    /** Every Java package of Spillway's is a slice of its own; classes of other code are left out. */
    private static final SliceAssignment PACKAGES = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String pkg = javaClass.getPackageName();
            return pkg.equals("dev.spillway") || pkg.startsWith("dev.spillway.") ? SliceIdentifier.of(pkg)
                : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "Spillway's packages";
        }
    };

    /** No two packages depend on each other, directly or through others. */
    public static final ArchRule NO_PACKAGE_CYCLES = slices().assignedFrom(PACKAGES).should().beFreeOfCycles()
        .because("a package cycle makes the layers one tangle: each package must be readable from its own "
            + "dependencies down");

    /** Only the adapter {@code dev.spillway.internal.ignite} touches Ignite's internal API. */
    public static final ArchRule IGNITE_INTERNALS_IN_ONE_ADAPTER = noClasses()
        .that().resideOutsideOfPackage("dev.spillway.internal.ignite")
        .should().dependOnClassesThat().resideInAPackage("org.apache.ignite.internal..")
        .because("an Ignite upgrade should change one adapter (dev.spillway.internal.ignite.IgniteAdapter)");

    /** The API package stands on its own: applications see no machinery through it. */
    public static final ArchRule API_DEPENDS_ON_NO_MACHINERY = noClasses()
        .that().resideInAPackage("dev.spillway")
        .should().dependOnClassesThat()
        .resideInAnyPackage("dev.spillway.internal..", "dev.spillway.wire..", "dev.spillway.plugin..")
        .because("the public API must not depend on internals, the wire protocol or the plugin's wiring");

    /** The wire protocol, shared by clients and servers, depends on the API only. */
    public static final ArchRule WIRE_DEPENDS_ON_API_ONLY = noClasses()
        .that().resideInAPackage("dev.spillway.wire..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.spillway.internal..", "dev.spillway.plugin..")
        .because("a client links the wire package: it must not drag the server's machinery along");

    /** What other modules may use of the plugin: the API, the wire package and the plugin provider. */
    public static final ArchRule OUTSIDE_THE_PLUGIN_NO_INTERNALS = noClasses()
        .should().dependOnClassesThat(resideInAPackage("dev.spillway.internal..")
            .or(resideInAPackage("dev.spillway.plugin").and(not(simpleName("SpillwayPluginProvider")))))
        .because("outside the plugin only the API (dev.spillway), the wire protocol (dev.spillway.wire) and the "
            + "plugin provider (dev.spillway.plugin.SpillwayPluginProvider) are there to use");

    /** The rules for the plugin's own classes. */
    public static final class ForThePlugin {
        @ArchTest
        static final ArchRule noPackageCycles = NO_PACKAGE_CYCLES;

        @ArchTest
        static final ArchRule igniteInternalsInOneAdapter = IGNITE_INTERNALS_IN_ONE_ADAPTER;

        @ArchTest
        static final ArchRule apiDependsOnNoMachinery = API_DEPENDS_ON_NO_MACHINERY;

        @ArchTest
        static final ArchRule wireDependsOnApiOnly = WIRE_DEPENDS_ON_API_ONLY;

        private ForThePlugin() {
        }
    }

    /** The rules for the classes of the modules that use the plugin. */
    public static final class ForItsUsers {
        @ArchTest
        static final ArchRule noInternals = OUTSIDE_THE_PLUGIN_NO_INTERNALS;

        @ArchTest
        static final ArchRule noPackageCycles = NO_PACKAGE_CYCLES;

        @ArchTest
        static final ArchRule igniteInternalsInOneAdapter = IGNITE_INTERNALS_IN_ONE_ADAPTER;

        private ForItsUsers() {
        }
    }
}
