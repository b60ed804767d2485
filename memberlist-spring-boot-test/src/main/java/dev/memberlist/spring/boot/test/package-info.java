/**
 * Test support for applications that use the memberlist starter: loopback and ephemeral ports
 * by default, no seeds from the application's configuration, and an in-memory network for
 * several contexts ({@link dev.memberlist.spring.boot.test.AutoConfigureMemberlist}).
 */
@NullMarked
package dev.memberlist.spring.boot.test;

import org.jspecify.annotations.NullMarked;
