/**
 * Membership changes and user messages as Spring application events.
 */
@NullMarked
package dev.memberlist.spring.boot.event;

import org.jspecify.annotations.NullMarked;
