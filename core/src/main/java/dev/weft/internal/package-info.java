/**
 * Weft's implementation. Nothing under {@code dev.weft.internal} is API: it may change in any
 * release. Other Weft modules (http, jdbc-bridge) may use it.
 */
package dev.weft.internal;
