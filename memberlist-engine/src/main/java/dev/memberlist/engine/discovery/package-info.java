/**
 * Finding seeds: the {@link dev.memberlist.engine.discovery.SeedProvider} SPI and {@link
 * dev.memberlist.engine.discovery.DnsSeedProvider}, which reads {@code host:port} lists, DNS names
 * (every A and AAAA answer) and {@code dns+srv://} names afresh at every attempt, through Netty's
 * asynchronous resolver rather than the JVM's cache.
 */
package dev.memberlist.engine.discovery;
