/** Implementation shared by the HTTP server and client; not API. */
package dev.weft.http.internal;
