package dev.nabla.data;

import dev.nabla.io.Json;
import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PreprocessorTest {

    private static final String PEOPLE = """
            id,country,age,joined,zip,label
            1,USA,30,2020-01-15,100,yes
            2,Japan,,2021-06-01,200,no
            3,,50,2019-12-31,100,yes
            4,USA,NA,?,300,no
            """;

    private static Table people() {
        return Table.read(PEOPLE, "people.csv");
    }

    @Test
    void columnsAreInferredAsNumericCategoricalOrDateAndDroppedByName() {
        Preprocessor p = Preprocessor.target("label").drop("id").categorical("zip").fit(people());
        assertThat(p.featureNames()).containsExactly("country=Japan", "country=USA", "country=(missing)", "age",
                "joined_year", "joined_month", "joined_day", "zip=100", "zip=200", "zip=300");
        assertThat(p.classNames()).containsExactly("no", "yes");
        assertThat(p.schema()).contains("country  categorical, 2 categories, 1 missing -> one-hot with a (missing) category")
                .contains("age      numeric, 2 missing (filled with mean 40.00), standard-scaled")
                .contains("joined   date (yyyy-mm-dd) -> year, month, day, 1 missing")
                .contains("id       dropped").contains("label    target: 2 classes [no, yes]");
    }

    @Test
    void missingNumbersAreImputedWithTheTrainingMeanThenScaled() {
        Preprocessor p = Preprocessor.target("label").drop("id", "joined", "country", "zip").missingIndicators(true).fit(people());
        Preprocessor.Transformed t = p.transform(people());
        assertThat(p.featureNames()).containsExactly("age", "age_missing");
        // ages 30, 40 (filled), 50, 40 (filled): mean 40, std sqrt(50)
        double sd = Math.sqrt(50);
        assertThat(t.x().data()).containsExactly(new float[] {(float) (-10 / sd), 0, 0, 1, (float) (10 / sd), 0, 0, 1}, within(1e-6f));
        assertThat(t.y().data()).containsExactly(1, 0, 1, 0);
    }

    @Test
    void medianAndConstantImputationFillWithTheirValue() {
        Table t = Table.read("a,y\n1,p\n2,q\n10,p\n,q\n", "t.csv");
        float median = Preprocessor.target("y").impute(Preprocessor.Impute.MEDIAN).scale(false).fit(t).transform(t).x().data()[3];
        float constant = Preprocessor.target("y").imputeConstant(-1).scale(false).fit(t).transform(t).x().data()[3];
        assertThat(median).isEqualTo(2f);
        assertThat(constant).isEqualTo(-1f);
    }

    @Test
    void theMissingMarkersAreConfigurable() {
        Table t = Table.read("a,y\n1,p\n-999,q\n3,p\n", "t.csv");
        Preprocessor p = Preprocessor.target("y").missingValues(List.of("", "-999")).scale(false).fit(t);
        assertThat(p.transform(t).x().data()).containsExactly(1, 2, 3);
    }

    @Test
    void everythingIsFittedOnTheTrainingRowsOnly() {
        Table train = Table.read("a,c,y\n0,x,p\n2,y,q\n", "train.csv");
        Table test = Table.read("a,c,y\n100,z,p\n,x,q\n", "test.csv");
        Preprocessor p = Preprocessor.target("y").fit(train);
        Preprocessor.Transformed t = p.transform(test);
        // a: training mean 1, std 1; the missing cell takes the training mean. c: z is unknown (all zeros).
        assertThat(p.featureNames()).containsExactly("a", "c=x", "c=y");
        assertThat(t.x().data()).containsExactly(99, 0, 0, 0, 1, 0);
        assertThat(t.unseen()).containsExactly(Map.entry("c", 1));
        assertThat(t.warnings()).containsExactly("column 'c': 1 value(s) not seen in training, mapped to the unknown category");
    }

    @Test
    void aCategoricalColumnAboveTheThresholdBecomesAnEmbeddingIndex() {
        Table t = Table.read("c,y\na,p\nb,q\nc,p\n,q\n", "t.csv");
        Preprocessor p = Preprocessor.target("y").maxOneHot(2).fit(t);
        assertThat(p.featureNames()).containsExactly("c (index)");
        assertThat(p.embeddingInputs()).containsExactly(Map.entry(0, 5));
        assertThat(p.highCardinalityColumns()).containsExactly(Map.entry("c", 3));
        assertThat(p.transform(Table.read("c,y\nb,p\n,p\nzz,p\n", "new.csv")).x().data()).containsExactly(3, 1, 0);
    }

    @Test
    void theConfigRestoresTheSameTransform() {
        Preprocessor p = Preprocessor.target("label").drop("id").categorical("zip").missingIndicators(true).fit(people());
        Preprocessor back = Preprocessor.fromConfig(Json.parseObject(Json.write(p.config())), "preprocessing.table");
        assertThat(back.config()).isEqualTo(p.config());
        assertThat(back.transform(people()).x().data()).containsExactly(p.transform(people()).x().data());
        assertThat(back.classNames()).isEqualTo(p.classNames());
    }

    @Test
    void reorderedColumnsAreMatchedByNameAndAnExtraOneIsIgnoredWithANote() {
        Table train = Table.read("a,c,y\n0,x,p\n2,y,q\n", "train.csv");
        Preprocessor p = Preprocessor.target("y").fit(train);
        Preprocessor.Transformed t = p.transform(Table.read("extra,c,a\n7,y,2\n", "new.csv"));
        assertThat(t.x().data()).containsExactly(1, 0, 1);
        assertThat(t.y()).isNull();
        assertThat(t.notes()).containsExactly("new.csv: column(s) extra are not in the training schema; ignored");
    }

    @Test
    void aMissingColumnIsRefusedNamingIt() {
        Preprocessor p = Preprocessor.target("y").fit(Table.read("a,c,y\n0,x,p\n2,y,q\n", "train.csv"));
        assertThatThrownBy(() -> p.transform(Table.read("a\n1\n", "new.csv"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("new.csv: no column 'c', which the model reads (its columns: a, c)");
    }

    @Test
    void aTargetWithASingleClassIsRefused() {
        assertThatThrownBy(() -> Preprocessor.target("y").fit(Table.read("a,y\n1,p\n2,p\n", "t.csv")))
                .hasMessage("t.csv: target column 'y' has a single class 'p' in the training rows; a classifier needs at least two");
    }

    @Test
    void anEntirelyEmptyColumnIsRefusedNamingIt() {
        assertThatThrownBy(() -> Preprocessor.target("y").fit(Table.read("a,notes,y\n1,,p\n2,NA,q\n", "t.csv")))
                .hasMessage("t.csv: column 'notes' is empty (or missing) in every training row; drop it");
    }

    @Test
    void aWordInANumericColumnAtTransformTimeNamesTheLine() {
        Preprocessor p = Preprocessor.target("y").fit(Table.read("a,y\n1,p\n2,q\n", "t.csv"));
        assertThatThrownBy(() -> p.transform(Table.read("a\n3\nlots\n", "new.csv")))
                .hasMessage("new.csv line 3: column 'a' is numeric, got 'lots' (missing values are empty, 'NA', 'NaN', '?')");
    }

    @Test
    void integerClassesKeepTheirLabelsInNumericOrderAndValuesMakeARegressionTarget() {
        Table classes = Table.read("a,y\n1,10\n2,9\n3,10\n4,9\n", "t.csv");
        Preprocessor p = Preprocessor.target("y").fit(classes);
        assertThat(p.classNames()).containsExactly("9", "10");
        assertThat(p.transform(classes).y().data()).containsExactly(1, 0, 1, 0);
        Table values = Table.read("a,y\n1,1.5\n2,2.5\n", "t.csv");
        Preprocessor r = Preprocessor.target("y").fit(values);
        assertThat(r.classNames()).isNull();
        // Values are standard-scaled for training (mean 2, sd 0.5) and predictions turned back into the file's units.
        assertThat(r.transform(values).y().data()).containsExactly(-1f, 1f);
        assertThat(r.inverseTarget(Tensor.of(new float[] {-1, 0, 1}, 3, 1)).data()).containsExactly(1.5f, 2f, 2.5f);
    }

    @Test
    void aSampleWeightColumnIsNotAFeature() {
        Table t = Table.read("a,w,y\n1,0.5,p\n2,2,q\n", "t.csv");
        Preprocessor p = Preprocessor.target("y").sampleWeight("w").fit(t);
        assertThat(p.featureNames()).containsExactly("a");
        assertThat(p.transform(t).sampleWeights().data()).containsExactly(0.5f, 2f);
    }

    @Test
    void nonUtf8BytesAreRefusedNamingTheLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("latin1.csv");
        Files.write(file, "city,y\nOslo,1\nS\u00e3o Paulo,2\n".getBytes(StandardCharsets.ISO_8859_1));
        String expected = file + " line 3: not UTF-8 (byte 0xE3 at offset 15); convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)";
        assertThatThrownBy(() -> Table.read(file)).isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        assertThatThrownBy(() -> CsvReader.withHeader().read(file)).isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
    }

    @Test
    void quotedFieldsAreParsedAsTheCsvReaderParsesThem() {
        Table t = Table.read("name,note\n\"Paris, FR\",\"say \"\"hi\"\"\nthere\"\n", "q.csv");
        assertThat(t.column("name")).containsExactly("Paris, FR");
        assertThat(t.column("note")).containsExactly("say \"hi\"\nthere");
        assertThat(t.line(0)).isEqualTo(2);
    }

    @Test
    void transformedFeaturesAreAFloatTensorOfRowsByFeatures() {
        Tensor x = Preprocessor.target("label").drop("id").fit(people()).transform(people()).x();
        assertThat(x.shape()).containsExactly(4, 8); // country 3, age 1, joined 3, zip (numeric) 1
    }

    /** The numbers printed by preprocessor_reference.py beside this test. */
    @Test
    void imputationScalingAndOneHotAgreeWithScikitLearn() {
        Table train = Table.read("a,b,c\n1,3,x\n,1,y\n4,,\n10,8,x\n2.5,2,z\n", "train.csv");
        Table test = Table.read("a,b,c\n,5,w\n7,,\n", "test.csv");
        Preprocessor mean = Preprocessor.target(null).fit(train), median = Preprocessor.target(null).impute(Preprocessor.Impute.MEDIAN).fit(train);
        assertThat(mean.featureNames()).containsExactly("a", "b", "c=x", "c=y", "c=z", "c=(missing)");
        assertThat(mean.transform(test).x().data()).containsExactly(new float[] {
            0.0000000f, 0.6228411f, 0.0000000f, 0.0000000f, 0.0000000f, 0.0000000f,
            0.8590412f, 0.0000000f, 0.0000000f, 0.0000000f, 0.0000000f, 1.0000000f}, within(1e-6f));
        assertThat(median.transform(test).x().data()).containsExactly(new float[] {
            -0.2913858f, 0.6963471f, 0.0000000f, 0.0000000f, 0.0000000f, 0.0000000f,
            0.9227216f, -0.3276928f, 0.0000000f, 0.0000000f, 0.0000000f, 1.0000000f}, within(1e-6f));
    }
}
