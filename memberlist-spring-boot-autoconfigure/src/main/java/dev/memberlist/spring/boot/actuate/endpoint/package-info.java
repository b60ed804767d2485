/**
 * The {@code memberlist} actuator endpoint.
 */
@NullMarked
package dev.memberlist.spring.boot.actuate.endpoint;

import org.jspecify.annotations.NullMarked;
