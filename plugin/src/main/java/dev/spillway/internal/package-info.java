/**
 * Spillway's machinery: not API. Types here may change in any release; applications use {@code dev.spillway},
 * thin clients the wire protocol {@code dev.spillway.wire}. A type here is public only because another package of
 * the plugin uses it (Java has no narrower visibility across packages); each says which. The packages, from the top:
 * {@code service} (the thin clients' control calls), {@code store} (the facade and the engine), {@code capacity}
 * (ledgers, leases, reservations, the failover model's assembly), {@code placement} (pure planning logic) and
 * {@code ignite} (the one adapter over Ignite's internals); each depends only on those after it. ArchUnit rules
 * ({@code ArchitectureTest} in every module) keep it so and keep every other module out of these packages.
 */
package dev.spillway.internal;
