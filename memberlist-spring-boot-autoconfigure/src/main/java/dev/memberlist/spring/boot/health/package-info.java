/**
 * The {@code memberlist} health indicator.
 */
@NullMarked
package dev.memberlist.spring.boot.health;

import org.jspecify.annotations.NullMarked;
