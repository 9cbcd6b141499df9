/** Blocking adapters: the bounded pool, the virtual-thread adapter, the direct adapter, proxies. */
package dev.weft.internal.blocking;
