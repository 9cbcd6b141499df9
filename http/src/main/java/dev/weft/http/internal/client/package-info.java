/** The HTTP client's implementation; not API. */
package dev.weft.http.internal.client;
