package dev.nabla.data;

/**
 * Data read batch by batch: every epoch asks for a fresh pass. In-memory data ({@link Dataset#batches}) and files
 * too large for memory ({@link CsvReader#stream}) look the same to {@code Model.fit(BatchSource, FitOptions)}.
 *
 * <pre>{@code
 * BatchSource big = CsvReader.withHeader().target("label").stream(Path.of("big.csv"), 256, List.of("cat", "dog"));
 * model.fit(big, FitOptions.epochs(3));
 * }</pre>
 */
public interface BatchSource {

    /**
     * The batches of one pass over the data; {@code epoch} (from 0) seeds the order where the source shuffles.
     * The caller closes the pass (try-with-resources), however it ends.
     */
    BatchIterator batches(int epoch);
}
