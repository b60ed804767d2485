/**
 * Auto-configuration of a memberlist node for Spring Boot: {@code memberlist.*} properties,
 * the {@link dev.memberlist.engine.Memberlist} bean and its lifecycle, delegate composition
 * and {@link dev.memberlist.spring.boot.autoconfigure.MemberlistConfigCustomizer customizers}.
 */
package dev.memberlist.spring.boot.autoconfigure;
