/** The future and promise implementation. */
package dev.weft.internal.future;
