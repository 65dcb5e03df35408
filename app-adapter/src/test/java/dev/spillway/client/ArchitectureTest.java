package dev.spillway.client;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import dev.spillway.test.ArchitectureRules;

/** The main classes of app-adapter use only the plugin's API, wire protocol and plugin provider ({@link ArchitectureRules}). */
@AnalyzeClasses(locations = ArchitectureRules.MainClasses.class)
class ArchitectureTest {
    @ArchTest
    static final ArchTests rules = ArchTests.in(ArchitectureRules.ForItsUsers.class);
}
