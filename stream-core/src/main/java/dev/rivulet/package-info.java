/**
 * The Rivulet engine and its public API.
 *
 * <p>Start with {@link dev.rivulet.StreamEngine#builder()}; reach items through the handles {@link
 * dev.rivulet.Stream}, {@link dev.rivulet.Group} and {@link dev.rivulet.Item}, change them with
 * {@link dev.rivulet.UpdateOp}s, react to changes with {@link dev.rivulet.Trigger}s and {@link
 * dev.rivulet.StreamListener}s. {@link dev.rivulet.StreamEngine#invoke} is the by-id surface of the
 * same functions ({@code stream::set} …), with the JSON shapes of {@code docs/PROTOCOL.md}. Every
 * failure is a {@link dev.rivulet.StreamException} whose {@code code()} is one of its constants.
 */
package dev.rivulet;
