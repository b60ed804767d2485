/**
 * Membership changes and user messages as Spring application events.
 */
package dev.memberlist.spring.boot.autoconfigure.event;
