package dev.weft.internal;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a type of {@code dev.weft.internal} that Weft's other modules (weft-http,
 * weft-jdbc-bridge) may use: the internal layer they build on. Nothing here is a promise to
 * users — it may change in any release — but it is the whole of what the sibling modules reach:
 * their tests fail on a reference to an internal type without this mark (see the package
 * overview of {@code dev.weft.internal}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ForWeftModules {}
