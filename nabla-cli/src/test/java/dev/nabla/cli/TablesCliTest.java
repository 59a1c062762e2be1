package dev.nabla.cli;

import dev.nabla.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.nabla.cli.CliTest.inProcess;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real tables from the shell (issue 18): the three test tables of src/test/resources/tables (made by make_tables.py
 * there, with a known structure) train, evaluate and predict with no preparation; bad input is one clear line.
 */
class TablesCliTest {

    private static Path table(String name) throws Exception {
        return Path.of(TablesCliTest.class.getResource("/tables/" + name).toURI());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Path file) throws Exception {
        return (Map<String, Object>) Json.parse(Files.readString(file));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aTableWithTextCategoriesDatesAndEmptyCellsTrainsEvaluatesAndPredicts(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run"), metrics = dir.resolve("train.json");
        CliTest.Run train = inProcess("train", "--data", table("customers.csv").toString(), "--drop", "id", "--epochs", "15", "--lr", "0.003",
                "--out", run.toString(), "--json", metrics.toString());
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(train.out()).contains("country        categorical, 5 categories, 25 missing -> one-hot with a (missing) category",
                "age            numeric, 51 missing (filled with mean 46.58), standard-scaled",
                "signup         date (yyyy-mm-dd) -> year, month, day, 13 missing", "id             dropped",
                "churn          target: 2 classes [no, yes]", "Test report (120 rows)", "macro avg", "ROC-AUC");
        assertThat(run.resolve("confusion.png")).exists();
        Map<String, Object> report = (Map<String, Object>) json(metrics).get("test_report");
        assertThat((Double) report.get("accuracy")).isGreaterThan(0.6); // churn follows plan, country and spend

        Path evaluated = dir.resolve("eval.json");
        CliTest.Run eval = inProcess("evaluate", run.resolve("model.nabla").toString(), "--data", table("customers.csv").toString(), "--json", evaluated.toString());
        assertThat(eval.exit()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("test part", "precision    recall  f1-score   support", "confusion matrix");
        assertThat(((Map<String, Object>) json(evaluated).get("report")).get("accuracy")).isEqualTo(report.get("accuracy"));

        // Raw rows with the columns in another order, holes, and no target: the labels come back as the file wrote them.
        Path rows = dir.resolve("rows.csv");
        Files.writeString(rows, "signup,monthly_spend,age,plan,country\n2020-02-03,12.5,33,basic,Brazil\n,?,NA,enterprise,\n");
        CliTest.Run predict = inProcess("predict", run.resolve("model.nabla").toString(), "--data", rows.toString());
        assertThat(predict.exit()).as(predict.err()).isZero();
        List<String> lines = predict.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("class,p_no,p_yes");
        assertThat(lines).hasSize(3);
        for (String l : lines.subList(1, 3)) assertThat(l.split(",")[0]).isIn("yes", "no");
    }

    @Test
    @SuppressWarnings("unchecked")
    void balancedClassWeightsGiveAHigherMacroF1ThanUnweightedTrainingOnTheImbalancedTable(@TempDir Path dir) throws Exception {
        double[] macroF1 = new double[2];
        String[][] variants = {{}, {"--class-weight", "balanced"}};
        for (int i = 0; i < 2; i++) {
            Path json = dir.resolve("run" + i + ".json");
            List<String> args = new java.util.ArrayList<>(List.of("train", "--data", table("imbalanced.csv").toString(), "--epochs", "20", "--seed", "42",
                    "--out", dir.resolve("run" + i).toString(), "--json", json.toString()));
            args.addAll(List.of(variants[i]));
            CliTest.Run r = inProcess(args.toArray(new String[0]));
            assertThat(r.exit()).as(r.err()).isZero();
            macroF1[i] = (Double) ((Map<String, Object>) json(json).get("test_report")).get("macro_f1");
        }
        // The rare classes sit inside the common one: unweighted, the network predicts "common" only (macro F1 ~0.24).
        assertThat(macroF1[0]).isLessThan(0.3);
        assertThat(macroF1[1]).isGreaterThan(macroF1[0] + 0.08);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRegressionTableWithACategoryAndHolesTrainsEvaluatesAndPredicts(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run"), metrics = dir.resolve("houses.json");
        CliTest.Run train = inProcess("train", "--data", table("houses.csv").toString(), "--epochs", "40", "--out", run.toString(), "--json", metrics.toString());
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(train.out()).contains("neighbourhood  categorical, 4 categories", "target: numeric values", "MAE ", "R^2");
        assertThat(run.resolve("confusion.png")).doesNotExist();
        assertThat((Double) ((Map<String, Object>) json(metrics).get("test_report")).get("r2")).isGreaterThan(0.8);

        CliTest.Run eval = inProcess("evaluate", run.resolve("model.nabla").toString(), "--data", table("houses.csv").toString());
        assertThat(eval.exit()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("RMSE");

        Path rows = dir.resolve("rows.csv");
        Files.writeString(rows, "neighbourhood,area,rooms,age\ncentre,120,4,10\n,80,2,\n");
        CliTest.Run predict = inProcess("predict", run.resolve("model.nabla").toString(), "--data", rows.toString());
        assertThat(predict.exit()).as(predict.err()).isZero();
        List<String> lines = predict.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("prediction");
        // 1200 * 120 + 15000 * 4 + 60000 - 8000 = 256000 for the first house (the table's formula, noise sd 12000)
        assertThat(Double.parseDouble(lines.get(1))).isBetween(200000.0, 310000.0);
    }

    @Test
    void theEpochLineShowsLossAndMetricsAndTheDiagnosticsOnlyWhenAsked(@TempDir Path dir) throws Exception {
        Path csv = table("customers.csv");
        CliTest.Run quiet = inProcess("train", "--data", csv.toString(), "--drop", "id", "--epochs", "3", "--out", dir.resolve("a").toString());
        CliTest.Run loud = inProcess("train", "--data", csv.toString(), "--drop", "id", "--epochs", "3", "--out", dir.resolve("b").toString(), "--diagnostics");
        assertThat(quiet.out()).contains("Epoch 1/3", "loss", "val_accuracy", "ETA").doesNotContain("grad_norm/");
        assertThat(loud.out()).contains("grad_norm/dense");
        assertThat(Files.readString(dir.resolve("a/history.csv"))).contains("grad_norm/dense");
        assertThat(dir.resolve("a/gradients.png")).exists();
    }

    @Test
    void earlyStoppingScheduleClippingDropoutDecayAndMetricsAreFlags(@TempDir Path dir) throws Exception {
        CliTest.Run r = inProcess("train", "--data", table("customers.csv").toString(), "--drop", "id", "--epochs", "200", "--early-stopping", "--patience", "3",
                "--lr-schedule", "cosine", "--clip-norm", "1", "--dropout", "0.2", "--weight-decay", "0.001", "--metrics", "accuracy,f1",
                "--out", dir.resolve("run").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("(Dropout)", "val_f1").doesNotContain("Epoch 200/200");
        long epochs = Files.readString(dir.resolve("run/history.csv")).lines().count() - 1;
        assertThat(epochs).isLessThan(200);
        CliTest.Run plateau = inProcess("train", "--data", table("customers.csv").toString(), "--drop", "id", "--epochs", "4", "--lr-schedule", "plateau",
                "--out", dir.resolve("plateau").toString());
        assertThat(plateau.exit()).as(plateau.err()).isZero();
        CliTest.Run bad = inProcess("train", "--data", table("customers.csv").toString(), "--lr-schedule", "wavy", "--out", dir.resolve("bad").toString());
        assertThat(bad.err().strip()).isEqualTo("nabla: --lr-schedule: expected cosine, step, exponential or plateau, got 'wavy'");
    }

    @Test
    void explicitClassWeightsAndASampleWeightColumnAreRead(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("w.csv");
        StringBuilder sb = new StringBuilder("x,w,label\n");
        for (int i = 0; i < 40; i++) sb.append(i % 7).append(',').append(i % 3 == 0 ? "2" : "0.5").append(',').append(i % 4 == 0 ? "b" : "a").append('\n');
        Files.writeString(csv, sb.toString());
        CliTest.Run r = inProcess("train", "--data", csv.toString(), "--epochs", "2", "--class-weight", "a=1,b=3", "--sample-weight", "w", "--out", dir.resolve("r").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("\\n  w +sample weights\\n").doesNotContainPattern("\\n  w +numeric");
        CliTest.Run bad = inProcess("train", "--data", csv.toString(), "--epochs", "2", "--class-weight", "c=2", "--out", dir.resolve("bad").toString());
        assertThat(bad.err().strip()).isEqualTo("nabla: --class-weight: no class 'c'; the classes are [a, b]");
    }

    @Test
    void aResumedRunKeepsItsClassWeights(@TempDir Path dir) throws Exception {
        String csv = table("imbalanced.csv").toString();
        CliTest.Run straight = inProcess("train", "--data", csv, "--epochs", "4", "--class-weight", "balanced", "--out", dir.resolve("straight").toString());
        CliTest.Run first = inProcess("train", "--data", csv, "--epochs", "2", "--class-weight", "balanced", "--out", dir.resolve("resumed").toString());
        CliTest.Run resumed = inProcess("train", "--resume", dir.resolve("resumed/checkpoint.nabla").toString(), "--epochs", "4", "--out", dir.resolve("resumed").toString());
        assertThat(List.of(straight.exit(), first.exit(), resumed.exit())).as(resumed.err()).containsOnly(0);
        String last = straight.out().lines().filter(l -> l.startsWith("Epoch 4/4")).findFirst().orElseThrow();
        assertThat(resumed.out()).contains(last.substring(last.indexOf("loss")));
    }

    // Bad input (issue 18): one clear line, a non-zero exit where nothing useful can be done, no half-written output.

    @Test
    void aTargetWithASingleClassIsOneLineAndWritesNoRun(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("one.csv");
        Files.writeString(csv, "x,y\n1,a\n2,a\n3,a\n4,a\n5,a\n6,a\n");
        CliTest.Run r = inProcess("train", "--data", csv.toString(), "--task", "classification", "--out", dir.resolve("run").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("nabla: one.csv: target column 'y' has a single class 'a' in the training rows; a classifier needs at least two");
        assertThat(dir.resolve("run")).doesNotExist();
    }

    @Test
    void anEmptyTargetCellIsNamedByItsLine(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("holes.csv");
        StringBuilder sb = new StringBuilder("x,price\n");
        for (int i = 0; i < 20; i++) sb.append(i).append(',').append(i == 13 ? "" : String.valueOf(1000 + 37 * i)).append('\n');
        Files.writeString(csv, sb.toString());
        CliTest.Run r = inProcess("train", "--data", csv.toString(), "--out", dir.resolve("run").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("nabla: holes.csv line 15: target column 'price' is empty");
    }

    @Test
    void anEntirelyEmptyColumnIsNamed(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("empty.csv");
        Files.writeString(csv, "x,notes,y\n1,,a\n2,,b\n3,NA,a\n4,,b\n5,,a\n6,,b\n");
        CliTest.Run r = inProcess("train", "--data", csv.toString(), "--out", dir.resolve("run").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("nabla: empty.csv: column 'notes' is empty (or missing) in every training row; drop it");
        assertThat(dir.resolve("run")).doesNotExist();
    }

    @Test
    void aNewCategoryAtPredictionTimeIsAWarningWithItsCountAndThePredictionsAreWritten(@TempDir Path dir) throws Exception {
        Path run = trainSmall(dir);
        Path rows = dir.resolve("rows.csv"), out = dir.resolve("p.csv");
        Files.writeString(rows, "color,size\nmauve,1\nteal,2\nred,3\n");
        CliTest.Run r = inProcess("predict", run.toString(), "--data", rows.toString(), "--out", out.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.err().strip()).isEqualTo("nabla: warning: rows.csv: column 'color': 2 value(s) not seen in training, mapped to the unknown category");
        assertThat(Files.readString(out).lines()).hasSize(4);
    }

    @Test
    void columnsAreMatchedByNameAnExtraOneIsANoteAndAMissingOneIsRefusedWithNoOutput(@TempDir Path dir) throws Exception {
        Path run = trainSmall(dir);
        Path inOrder = dir.resolve("a.csv"), reordered = dir.resolve("b.csv"), missing = dir.resolve("c.csv"), out = dir.resolve("p.csv");
        Files.writeString(inOrder, "color,size\nred,1\nblue,7\n");
        Files.writeString(reordered, "note,size,color\nx,1,red\ny,7,blue\n");
        Files.writeString(missing, "size\n1\n");
        CliTest.Run a = inProcess("predict", run.toString(), "--data", inOrder.toString());
        CliTest.Run b = inProcess("predict", run.toString(), "--data", reordered.toString());
        assertThat(b.out()).isEqualTo(a.out());
        assertThat(b.err().strip()).isEqualTo("nabla: note: b.csv: column(s) note are not in the training schema; ignored");
        CliTest.Run c = inProcess("predict", run.toString(), "--data", missing.toString(), "--out", out.toString());
        assertThat(c.exit()).isEqualTo(1);
        assertThat(c.err().strip()).isEqualTo("nabla: c.csv: no column 'color', which the model reads (its columns: color, size)");
        assertThat(out).doesNotExist();
    }

    @Test
    void nonUtf8BytesAreRefusedNamingTheLine(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("latin1.csv");
        Files.write(csv, "city,size,y\nOslo,1,a\nS\u00e3o Paulo,2,b\n".getBytes(StandardCharsets.ISO_8859_1));
        CliTest.Run r = inProcess("train", "--data", csv.toString(), "--out", dir.resolve("run").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("nabla: " + csv + " line 3: not UTF-8 (byte 0xE3 at offset 22); convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)");
        CliTest.Run predict = inProcess("predict", trainSmall(dir).toString(), "--data", csv.toString());
        assertThat(predict.exit()).isEqualTo(1);
        assertThat(predict.err()).contains("latin1.csv line 3: not UTF-8 (byte 0xE3");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aColumnWithMoreCategoriesThanTheOneHotLimitIsEmbeddedAndItsSignalBeatsDroppingIt(@TempDir Path dir) throws Exception {
        // stores.csv: the sale follows which of 40 stores it is (more than --max-one-hot 20); visits add a weak signal.
        Path run = dir.resolve("run"), withStore = dir.resolve("with.json"), without = dir.resolve("without.json");
        String data = table("stores.csv").toString();
        CliTest.Run train = inProcess("train", "--data", data, "--epochs", "20", "--out", run.toString(), "--json", withStore.toString());
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(train.out()).contains("store   categorical, 40 categories (more than 20) -> index for an Embedding",
                "category_embedding (CategoryEmbedding)  [None, 14]");
        CliTest.Run dropped = inProcess("train", "--data", data, "--drop", "store", "--epochs", "20", "--out", dir.resolve("dropped").toString(),
                "--json", without.toString());
        assertThat(dropped.exit()).as(dropped.err()).isZero();
        double embedded = (Double) ((Map<String, Object>) json(withStore).get("test_report")).get("accuracy");
        double numbersOnly = (Double) ((Map<String, Object>) json(without).get("test_report")).get("accuracy");
        assertThat(embedded).isGreaterThan(0.8).isGreaterThan(numbersOnly + 0.15);

        Path model = run.resolve("model.nabla"), evaluated = dir.resolve("eval.json");
        CliTest.Run eval = inProcess("evaluate", model.toString(), "--data", data, "--json", evaluated.toString());
        assertThat(eval.exit()).as(eval.err()).isZero();
        assertThat(((Map<String, Object>) json(evaluated).get("report")).get("accuracy")).isEqualTo(embedded);

        // A store never seen in training takes the unknown row of the embedding, with a warning; so does the empty cell,
        // since no training row missed its store.
        Path rows = dir.resolve("rows.csv");
        Files.writeString(rows, "store,visits\ns3,0.5\ns99,0.1\n,0\n");
        CliTest.Run predict = inProcess("predict", model.toString(), "--data", rows.toString());
        assertThat(predict.exit()).as(predict.err()).isZero();
        assertThat(predict.err()).contains("rows.csv: column 'store': 2 value(s) not seen in training, mapped to the unknown category");
        List<String> lines = predict.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("class,p_no,p_yes");
        assertThat(lines).hasSize(4);

        CliTest.Run check = inProcess("gradcheck", model.toString(), "--data", data);
        assertThat(check.exit()).as(check.err()).isZero();
        assertThat(check.out()).contains("category_embedding_0/embeddings", "All gradients agree").doesNotContain("WRONG?");
        CliTest.Run explain = inProcess("explain", model.toString(), "--input", "s3,0.5");
        assertThat(explain.exit()).as(explain.err()).isZero();
        assertThat(explain.out()).contains("Forward pass", "Backward pass");
    }

    @Test
    void embeddingDimSetsTheSizeOfEachCategoryEmbedding(@TempDir Path dir) throws Exception {
        CliTest.Run r = inProcess("train", "--data", table("stores.csv").toString(), "--embedding-dim", "4", "--epochs", "1",
                "--out", dir.resolve("run").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("category_embedding (CategoryEmbedding)  [None, 5]         168"); // visits + 4; 42 rows of 4
    }

    @Test
    void aScalerOtherThanTheTablesOwnIsRefusedForCategoryIndexFeatures(@TempDir Path dir) throws Exception {
        CliTest.Run r = inProcess("train", "--data", table("stores.csv").toString(), "--scale", "minmax", "--out", dir.resolve("run").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("nabla: --scale minmax: the table has category-index features, which must stay whole numbers;"
                + " use --scale standard (the table's own scaling leaves them alone) or none");
        assertThat(dir.resolve("run")).doesNotExist();
    }

    @Test
    void gradcheckAndExplainReadATableModelsRawRows(@TempDir Path dir) throws Exception {
        Path model = trainSmall(dir);
        CliTest.Run check = inProcess("gradcheck", model.toString(), "--data", dir.resolve("small.csv").toString());
        assertThat(check.err()).isEmpty();
        assertThat(check.out()).startsWith("Gradient check of " + model + " on 8 rows of " + dir.resolve("small.csv"));
        CliTest.Run explain = inProcess("explain", model.toString(), "--input", "green,3");
        assertThat(explain.exit()).as(explain.err()).isZero();
        assertThat(explain.out()).contains("Forward pass", "Backward pass");
    }

    /** A model of a tiny table with a category (red, blue, green) and a number; returns its file. */
    private static Path trainSmall(Path dir) throws Exception {
        Path csv = dir.resolve("small.csv"), run = dir.resolve("small");
        if (Files.exists(run.resolve("model.nabla"))) return run.resolve("model.nabla");
        StringBuilder sb = new StringBuilder("color,size,label\n");
        String[] colors = {"red", "blue", "green"};
        for (int i = 0; i < 30; i++) sb.append(colors[i % 3]).append(',').append(i % 5).append(',').append(i % 3 == 0 ? "yes" : "no").append('\n');
        Files.writeString(csv, sb.toString());
        CliTest.Run r = inProcess("train", "--data", csv.toString(), "--epochs", "2", "--out", run.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        return run.resolve("model.nabla");
    }
}
