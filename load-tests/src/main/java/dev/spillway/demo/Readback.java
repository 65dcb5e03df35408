package dev.spillway.demo;

/** A timed read of the payload back from the cluster, and its comparison with the bytes saved. */
record Readback(Rate rate, Payload.Check check) {
    boolean matches() {
        return check.matches();
    }
}
