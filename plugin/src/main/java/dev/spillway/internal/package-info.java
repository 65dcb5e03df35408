/**
 * Spillway's machinery: not API. Types here may change in any release; applications use {@code dev.spillway}.
 */
package dev.spillway.internal;
