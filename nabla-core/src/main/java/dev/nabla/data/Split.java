package dev.nabla.data;

import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Seeded train / test splits. */
public final class Split {

    private Split() {}

    /**
     * Keras's {@code validation_split}: {train, validation} with the last {@code floor(fraction * n)} rows held out,
     * unshuffled. {@code caller} names the asker in the error when a part would be empty.
     */
    public static Dataset[] holdOutLast(Dataset d, double fraction, String caller) {
        int n = d.size(), nVal = heldOutRows(n, fraction, caller);
        Tensor x = d.x(), y = d.y();
        return new Dataset[] {
                new Dataset(x.slice(0, 0, n - nVal).detach(), y.slice(0, 0, n - nVal).detach(), d.classNames()),
                new Dataset(x.slice(0, n - nVal, n).detach(), y.slice(0, n - nVal, n).detach(), d.classNames())};
    }

    /** How many of {@code n} rows {@link #holdOutLast} holds out: floor(fraction * n), refused when a part would be empty. */
    public static int heldOutRows(int n, double fraction, String caller) {
        int nVal = (int) Math.floor(n * fraction);
        if (nVal == 0 || nVal == n) {
            throw new IllegalArgumentException(caller + ": validation split " + fraction + " of " + n + " samples leaves an empty part");
        }
        return nVal;
    }

    /**
     * Shuffles with {@code seed} and returns {train, test} with {@code round(testFraction * n)} test rows. Stratified
     * splits keep each class's share in both parts (targets must be class indices, shape [n] or [n, 1]).
     */
    public static Dataset[] trainTest(Dataset d, double testFraction, long seed, boolean stratified) {
        int n = d.size();
        int[] strata = null;
        if (stratified) {
            if (d.y().size() != n) throw new IllegalArgumentException("Split.trainTest: stratifying needs one class index per row");
            strata = new int[n];
            float[] y = d.y().data();
            for (int i = 0; i < n; i++) strata[i] = Math.round(y[i]);
        }
        int[][] rows = trainTestRows(n, strata, testFraction, seed);
        return new Dataset[] {d.subset(rows[0]), d.subset(rows[1])};
    }

    /**
     * The row indices {train, test} of {@link #trainTest} for {@code n} rows, so that other per-row data (a raw
     * {@link Table}, sample weights) can be split the same way; {@code strata} (null: not stratified) gives each
     * row's class, whose share is kept in both parts.
     */
    public static int[][] trainTestRows(int n, int[] strata, double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) throw new IllegalArgumentException("Split.trainTest: test fraction must be in (0, 1), got " + testFraction);
        int nTest = (int) Math.round(testFraction * n);
        if (nTest == 0 || nTest == n) throw new IllegalArgumentException("Split.trainTest: a test fraction of " + testFraction + " leaves an empty part of " + n + " rows");
        Rng rng = new Rng(seed);
        List<Integer> train = new ArrayList<>(), test = new ArrayList<>();
        if (strata == null) {
            int[] perm = rng.permutation(n);
            for (int i = 0; i < n; i++) (i < nTest ? test : train).add(perm[i]);
        } else {
            Map<Integer, List<Integer>> byClass = new TreeMap<>();
            for (int i = 0; i < n; i++) byClass.computeIfAbsent(strata[i], k -> new ArrayList<>()).add(i);
            for (List<Integer> rows : byClass.values()) {
                int[] perm = rng.permutation(rows.size());
                int k = (int) Math.round(testFraction * rows.size());
                for (int i = 0; i < rows.size(); i++) (i < k ? test : train).add(rows.get(perm[i]));
            }
            // Interleave classes again so that the parts are not sorted by class.
            shuffle(train, rng);
            shuffle(test, rng);
        }
        return new int[][] {toArray(train), toArray(test)};
    }

    private static void shuffle(List<Integer> list, Rng rng) {
        int[] perm = rng.permutation(list.size());
        List<Integer> copy = new ArrayList<>(list);
        for (int i = 0; i < perm.length; i++) list.set(i, copy.get(perm[i]));
    }

    private static int[] toArray(List<Integer> l) {
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = l.get(i);
        return a;
    }
}
