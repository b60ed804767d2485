/**
 * Micrometer metrics of the memberlist node.
 */
package dev.memberlist.spring.boot.autoconfigure.metrics;
