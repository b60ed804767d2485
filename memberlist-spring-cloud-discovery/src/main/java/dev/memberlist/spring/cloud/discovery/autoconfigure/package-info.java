/**
 * Auto-configuration of memberlist discovery: wires the types of {@code
 * dev.memberlist.spring.cloud.discovery} from {@code memberlist.discovery.*}.
 */
@NullMarked
package dev.memberlist.spring.cloud.discovery.autoconfigure;

import org.jspecify.annotations.NullMarked;
