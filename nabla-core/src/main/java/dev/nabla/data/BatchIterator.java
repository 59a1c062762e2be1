package dev.nabla.data;

import java.util.Iterator;

/**
 * One pass over a {@link BatchSource}, holding whatever the pass reads from (e.g. an open file): close it when done,
 * also when the pass is left early, by an error or after a peek.
 *
 * <pre>{@code
 * try (BatchIterator it = source.batches(0)) {
 *     while (it.hasNext()) use(it.next());
 * }
 * }</pre>
 */
public interface BatchIterator extends Iterator<Batch>, AutoCloseable {

    /** Releases what the pass holds; closing twice, or a pass read to its end, is harmless. */
    @Override
    void close();
}
