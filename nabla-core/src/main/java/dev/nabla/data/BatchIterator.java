package dev.nabla.data;

import java.util.Iterator;

/**
 * One pass over a {@link BatchSource}, holding whatever the pass reads from (e.g. an open file): close it when done,
 * also when the pass is left early, by an error or after a peek.
 *
 * <pre>{@code
 * BatchSource source = train.batches(32, true, 7);
 * long rows = 0;
 * try (BatchIterator it = source.batches(0)) {   // epoch 0
 *     while (it.hasNext()) rows += it.next().size();
 * }
 * }</pre>
 */
public interface BatchIterator extends Iterator<Batch>, AutoCloseable {

    /**
     * Says that {@code batch}, which this pass returned, will not be read again: the pass may reuse its tensors'
     * arrays (an in-memory source gives them to RecycledArrays, whence its next batch takes them). {@code fit} says it of every batch once its step is over, when the model, its losses
     * and its metrics are Nabla's own (which keep no input or target past a step). By default nothing is reused.
     */
    default void done(Batch batch) {}

    /** Releases what the pass holds; closing twice, or a pass read to its end, is harmless. */
    @Override
    void close();
}
