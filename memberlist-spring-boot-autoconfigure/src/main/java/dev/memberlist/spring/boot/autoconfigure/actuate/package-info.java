/**
 * Auto-configuration of the {@code memberlist} actuator endpoint.
 */
package dev.memberlist.spring.boot.autoconfigure.actuate;
