/**
 * Auto-configuration of the memberlist node's Micrometer metrics.
 */
package dev.memberlist.spring.boot.autoconfigure.metrics;
