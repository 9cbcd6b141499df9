/**
 * Test support shared by every Weft module's tests (published as weft-core's test-jar): polling
 * with a deadline, log capture, an unhandled-failure recorder, a JUnit 5 extension that gives a
 * test a runtime, and the rule that keeps sibling modules on core's internal layer.
 */
package dev.weft.testing;
