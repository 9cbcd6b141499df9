/**
 * JUnit 5 support: {@link dev.weft.junit.NoBlockingCallsOnLoops} fails a test when a Weft loop
 * thread made a blocking call during it, as BlockHound's JUnit integration does, without an agent.
 */
package dev.weft.junit;
