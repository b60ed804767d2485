/**
 * Micrometer metrics of the memberlist node.
 */
@NullMarked
package dev.memberlist.spring.boot.metrics;

import org.jspecify.annotations.NullMarked;
