/** Loops: Weft's face over Netty's {@code IoEventLoop}s, and the runtime that owns them. */
package dev.weft.internal.loop;
