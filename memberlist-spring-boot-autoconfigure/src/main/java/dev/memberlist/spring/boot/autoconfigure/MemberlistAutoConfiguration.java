package dev.memberlist.spring.boot.autoconfigure;

import dev.memberlist.engine.Memberlist;
import dev.memberlist.spring.boot.MemberlistBroadcaster;
import dev.memberlist.spring.boot.MemberlistNode;
import dev.memberlist.spring.boot.MemberlistTags;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for a memberlist node: a {@link Memberlist}
 * configured from {@code memberlist.*} properties, composed with every delegate bean in the
 * context, started and stopped with the context, publishing membership changes as application
 * events ({@code dev.memberlist.spring.boot.event}), with runtime {@link MemberlistTags} and a
 * {@link MemberlistBroadcaster}.
 *
 * <p>Delegates: every {@code EventDelegate}, {@code ConflictDelegate}, {@code MergeDelegate},
 * {@code AliveDelegate} and {@code PingDelegate} bean is called, in {@code @Order}; an event
 * delegate that throws does not keep the others from the event, while a merge or alive
 * delegate that throws vetoes, as in the engine. At most one {@code NodeDelegate} bean may
 * exist: it receives user messages (which are also published as {@code MemberMessageEvent}s),
 * broadcasts and push-pull state, and its metadata, when not empty, replaces the
 * {@code memberlist.tags}; to carry tags and more, encode them with {@link MemberlistTags#encode}.
 * Delegate beans are looked up once every singleton exists, so they may inject the
 * {@link Memberlist}, the {@link MemberlistNode}, the tags and the broadcaster.
 * {@link MemberlistConfigCustomizer} beans run last and may change anything.
 *
 * <p>Each bean backs off when the application defines its own: an engine {@code Config} bean
 * replaces the properties (tags and seeds still come from them), a {@link Memberlist} bean
 * replaces the node (it is still started, joined and stopped, but gets no delegates,
 * publishes no events and has no runtime tags or broadcaster), a {@link MemberlistNode} bean
 * replaces start-up and shutdown.
 *
 * <p>{@code memberlist.tls.bundle} names a Spring Boot SSL bundle: every TCP connection between
 * members is then TLS with its certificates, and a bundle reload applies to new connections.
 *
 * <p>Several nodes in one context (a LAN and a WAN pool) are several {@link MemberlistNode}
 * beans of the application's: each starts, joins and stops with the context, and health, the
 * endpoint and metrics show each by bean name. Several {@link Memberlist} beans without a
 * {@link MemberlistNode} fail start-up with a report that says so.
 */
@AutoConfiguration(afterName = "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration")
@ConditionalOnClass(Memberlist.class)
@ConditionalOnBooleanProperty(name = "memberlist.enabled", matchIfMissing = true)
@EnableConfigurationProperties(MemberlistProperties.class)
@Import({
    MemberlistConfigurations.ConfigConfiguration.class,
    MemberlistConfigurations.ApplicationNodeConfiguration.class,
    MemberlistConfigurations.SeveralApplicationNodesConfiguration.class,
    MemberlistConfigurations.NodeConfiguration.class,
    MemberlistTlsConfiguration.class
})
public final class MemberlistAutoConfiguration {}
