package dev.rivulet.ws;

import java.time.Duration;

/**
 * Settings of the iii worker endpoint {@code /iii} (SPEC §12).
 *
 * @param callTimeout how long a call of a worker's function waits for its {@code invocationresult}
 * @param maxInFlight calls one worker may have waiting in each direction (engine→worker calls
 *     awaiting an answer; worker→engine calls queued or running); beyond it a call fails at once
 *     with {@code overloaded}
 */
record IiiOptions(Duration callTimeout, int maxInFlight) {}
