/**
 * memberlist in a Spring Boot application, the types an application uses: the {@link
 * dev.memberlist.spring.boot.MemberlistNode node} and its lifecycle, its runtime {@link
 * dev.memberlist.spring.boot.MemberlistTags tags} and a {@link
 * dev.memberlist.spring.boot.MemberlistBroadcaster broadcaster}.
 */
@NullMarked
package dev.memberlist.spring.boot;

import org.jspecify.annotations.NullMarked;
