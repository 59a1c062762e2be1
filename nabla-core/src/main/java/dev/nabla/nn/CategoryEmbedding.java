package dev.nabla.nn;

import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Embeds the category-index columns of a table's features: input [batch, features] where some columns hold category
 * indices (as {@link dev.nabla.data.Preprocessor} makes for a column with many categories: 0 unknown, 1 missing,
 * 2 + i the i-th category), output [batch, numeric features + the sum of the embedding dimensions]. The other columns
 * pass through in their order first, then each index column's vector, in column order.
 *
 * <p>Each index column has its own {@link Embedding} child, named {@code <layer>_<column>}, so its table is the weight
 * {@code <layer>_<column>/embeddings} [vocabulary, dim]. Without a chosen dimension a column of {@code n} indices
 * gets {@code min(50, ceil(1.6 * n^0.56))}, the rule of thumb of fast.ai's tabular models.
 *
 * <pre>{@code
 * CategoryEmbedding cats = CategoryEmbedding.of(Map.of(2, 42), 0);   // column 2 holds 42 indices, dim by the rule
 * Tensor y = cats.apply(Tensor.of(new float[] {0.5f, -1f, 7f}, 1, 3)); // [1, 2 + 12]
 * }</pre>
 */
public class CategoryEmbedding extends Layer {

    private final int[] columns;
    private final int[] vocabularies;
    private final int[] dims;
    private final List<Embedding> tables = new ArrayList<>();
    private int[] passThrough;

    /**
     * Index columns by feature position to vocabulary size, in position order; {@code dim} for every column, or 0
     * for each column's own by {@link #defaultDimension}.
     */
    public static CategoryEmbedding of(Map<Integer, Integer> indexColumns, int dim) {
        int[] columns = indexColumns.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        int[] vocabularies = Arrays.stream(columns).map(indexColumns::get).toArray();
        int[] dims = Arrays.stream(vocabularies).map(n -> dim > 0 ? dim : defaultDimension(n)).toArray();
        return new CategoryEmbedding(null, columns, vocabularies, dims);
    }

    /** fast.ai's rule of thumb for an embedding of {@code n} categories: min(50, ceil(1.6 * n^0.56)). */
    public static int defaultDimension(int n) {
        return (int) Math.min(50, Math.ceil(1.6 * Math.pow(n, 0.56)));
    }

    public CategoryEmbedding(String name, int[] columns, int[] vocabularies, int[] dims) {
        super(name);
        if (columns.length == 0 || vocabularies.length != columns.length || dims.length != columns.length) {
            throw new IllegalArgumentException(name() + ": expected one vocabulary size and dimension per index column, got columns "
                    + Arrays.toString(columns) + ", vocabulary sizes " + Arrays.toString(vocabularies) + ", dimensions " + Arrays.toString(dims));
        }
        for (int i = 0; i < columns.length; i++) {
            if (columns[i] < 0 || (i > 0 && columns[i] <= columns[i - 1])) {
                throw new IllegalArgumentException(name() + ": index columns must be distinct non-negative positions in increasing order, got " + Arrays.toString(columns));
            }
        }
        this.columns = columns.clone();
        this.vocabularies = vocabularies.clone();
        this.dims = dims.clone();
        for (int i = 0; i < columns.length; i++) {
            tables.add(addChild(new Embedding(name() + "_" + columns[i], vocabularies[i], dims[i], -1, Initializers.normal(0, 1))));
        }
    }

    @Override
    protected void build(int[] inputShape) {
        if (inputShape.length != 2) throw shapeError("[batch, features]", inputShape);
        int features = inputShape[1];
        if (columns[columns.length - 1] >= features) {
            throw new IllegalArgumentException(name() + ": index column " + columns[columns.length - 1] + " is not a feature of input "
                    + Shape.str(inputShape) + " (positions 0 to " + (features - 1) + ")");
        }
        passThrough = new int[features - columns.length];
        for (int f = 0, k = 0, c = 0; f < features; f++) {
            if (c < columns.length && columns[c] == f) c++;
            else passThrough[k++] = f;
        }
        for (Embedding t : tables) t.buildFor(new int[] {inputShape[0]});
    }

    @Override
    protected Tensor forward(Tensor x) {
        if (x.rank() != 2) throw shapeError("[batch, features]", x.shape());
        int batch = x.dim(0);
        List<Tensor> parts = new ArrayList<>();
        if (passThrough.length > 0) parts.add(x.indexSelect(1, passThrough));
        for (int i = 0; i < columns.length; i++) parts.add(tables.get(i).apply(x.indexSelect(1, columns[i]).reshape(batch)));
        return parts.size() == 1 ? parts.get(0) : Tensor.concat(1, parts);
    }

    /** The index columns' feature positions, in order. */
    public int[] indexColumns() {
        return columns.clone();
    }

    /** Each index column's embedding, in column order. */
    public List<Embedding> embeddings() {
        return List.copyOf(tables);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("index_columns", toList(columns));
        c.put("vocabulary_sizes", toList(vocabularies));
        c.put("dims", toList(dims));
        return c;
    }

    private static List<Integer> toList(int[] v) {
        return Arrays.stream(v).boxed().toList();
    }
}
