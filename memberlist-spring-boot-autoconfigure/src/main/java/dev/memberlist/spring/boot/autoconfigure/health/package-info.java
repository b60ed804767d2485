/**
 * The {@code memberlist} health contributor.
 */
package dev.memberlist.spring.boot.autoconfigure.health;
