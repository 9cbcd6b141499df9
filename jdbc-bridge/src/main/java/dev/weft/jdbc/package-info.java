/**
 * Async JDBC over any DataSource (see its issue).
 *
 * <p>This module is a placeholder until its issue lands; it holds no API yet.
 */
package dev.weft.jdbc;
