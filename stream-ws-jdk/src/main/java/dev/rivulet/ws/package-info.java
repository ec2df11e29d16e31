/**
 * The WebSocket binding on JDK NIO: {@link dev.rivulet.ws.StreamWebSocketServer} serves the stream
 * protocol (and optionally HTTP invoke and the inspector page) for an engine embedded in the host's
 * process; {@link dev.rivulet.ws.StreamServer} is the standalone server; {@link
 * dev.rivulet.ws.StreamClient} is the JVM client keeping a live local copy of groups and items.
 */
package dev.rivulet.ws;
