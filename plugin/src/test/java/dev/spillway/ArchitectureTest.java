package dev.spillway;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import dev.spillway.test.ArchitectureRules;

/** The plugin's layering, checked against its main classes ({@link ArchitectureRules}). */
@AnalyzeClasses(locations = ArchitectureRules.MainClasses.class)
class ArchitectureTest {
    @ArchTest
    static final ArchTests rules = ArchTests.in(ArchitectureRules.ForThePlugin.class);
}
