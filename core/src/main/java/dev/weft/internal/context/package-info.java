/** Where the current {@link dev.weft.Context} lives, and how it is captured and restored. */
package dev.weft.internal.context;
