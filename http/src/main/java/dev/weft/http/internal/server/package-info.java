/** The HTTP server's implementation; not API. */
package dev.weft.http.internal.server;
