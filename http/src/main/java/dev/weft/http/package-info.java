/**
 * HTTP/1.1 server and client on Weft's loops (see its issue).
 *
 * <p>This module is a placeholder until its issue lands; it holds no API yet.
 */
package dev.weft.http;
