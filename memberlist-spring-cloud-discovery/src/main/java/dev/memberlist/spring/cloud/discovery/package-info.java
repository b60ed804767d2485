/**
 * Spring Cloud service discovery over memberlist gossip, the types an application uses: the
 * {@link dev.memberlist.spring.cloud.discovery.DiscoveryTags tag keys} a node registers its
 * service with, the {@link dev.memberlist.spring.cloud.discovery.MemberlistServiceCatalog catalog}
 * read from the live member list, and the blocking and reactive discovery clients over it.
 */
@NullMarked
package dev.memberlist.spring.cloud.discovery;

import org.jspecify.annotations.NullMarked;
