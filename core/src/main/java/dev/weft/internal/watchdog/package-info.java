/** The loop watchdog: lag measurement and blocked-loop incidents. */
package dev.weft.internal.watchdog;
