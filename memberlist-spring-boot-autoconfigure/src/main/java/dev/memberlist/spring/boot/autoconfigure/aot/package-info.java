/**
 * What a GraalVM native image of an application with the starter needs to know ahead of time:
 * the reflection the engine and msgpack-core do at runtime.
 */
package dev.memberlist.spring.boot.autoconfigure.aot;
