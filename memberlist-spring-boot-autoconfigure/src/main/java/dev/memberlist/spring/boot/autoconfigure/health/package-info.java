/**
 * Auto-configuration of the {@code memberlist} health contributor.
 */
package dev.memberlist.spring.boot.autoconfigure.health;
