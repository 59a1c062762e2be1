package dev.nabla.cli;

import dev.nabla.examples.TextClassifier;
import dev.nabla.text.Tokenizer;
import dev.nabla.train.ModelFile;
import dev.nabla.train.SavedModel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.nabla.cli.CliTest.inProcess;
import static org.assertj.core.api.Assertions.assertThat;

/** nabla train / predict / generate on texts, end to end. */
class TextCommandsTest {

    private static double testAccuracy(String out) {
        String test = out.lines().filter(l -> l.strip().startsWith("test")).findFirst().orElseThrow();
        return Double.parseDouble(test.replaceAll(".*accuracy ", ""));
    }

    @Test
    void aTextClassifierTrainsFromACsvColumnAndPredictsRawTextRows(@TempDir Path dir) throws Exception {
        Path reviews = dir.resolve("reviews.csv");
        TextClassifier.writeCsv(reviews, TextClassifier.reviews(1000, 3));
        Path run = dir.resolve("run");
        CliTest.Run train = inProcess("train", "--data", reviews.toString(), "--text-column", "review", "--target", "label",
                "--layers", "embedding:32,lstm:32,2", "--epochs", "8", "--out", run.toString());
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(train.out()).contains("text column 'review', 1000 rows; 800 train / 200 test; words, lower-cased", "lstm (LSTM)");
        assertThat(testAccuracy(train.out())).isGreaterThanOrEqualTo(0.9);

        CliTest.Run evaluate = inProcess("evaluate", run.resolve("model.nabla").toString(), "--data", reviews.toString());
        assertThat(evaluate.exit()).as(evaluate.err()).isZero();
        assertThat(testAccuracy(evaluate.out())).as("the same held-out rows, tokenized as in training").isEqualTo(testAccuracy(train.out()));

        SavedModel saved = ModelFile.load(run.resolve("model.nabla"));
        assertThat(saved.preprocessing()).containsEntry("input", "text").containsEntry("text_column", "review");
        assertThat(Tokenizer.of(saved).level()).isEqualTo(Tokenizer.Level.WORD);

        CliTest.Run resumed = inProcess("train", "--resume", run.resolve("checkpoint.nabla").toString(), "--epochs", "9", "--out", run.toString());
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("Epoch 9/9");
        assertThat(Tokenizer.of(ModelFile.load(run.resolve("model.nabla"))).config()).as("the run's own tokenizer").isEqualTo(Tokenizer.of(saved).config());

        Path rows = dir.resolve("rows.csv");
        Files.writeString(rows, "review\n\"What a wonderful, charming film!\"\nThe ending was not great\nDULL.\n\n");
        CliTest.Run predict = inProcess("predict", run.resolve("model.nabla").toString(), "--data", rows.toString());
        assertThat(predict.exit()).as(predict.err()).isZero();
        List<String> lines = predict.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("class,p_neg,p_pos");
        assertThat(lines.subList(1, lines.size())).extracting(l -> l.split(",")[0]).containsExactly("pos", "neg", "neg");
    }

    private static double loss(String out, String model) {
        String line = out.lines().filter(l -> l.startsWith("  " + model + " ")).findFirst().orElseThrow();
        return Double.parseDouble(line.trim().split("\\s+")[1]);
    }

    @Test
    void aLanguageModelOfWordsBeatsTheBigramAndGeneratesMostlyNewWords(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(Path.of("/usr/share/dict/words")), "the English word list is not installed (apt-get install wamerican)");
        List<String> all = Files.readAllLines(Path.of("/usr/share/dict/words")), some = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 40) some.add(all.get(i));
        Path words = dir.resolve("words.txt");
        Files.write(words, some);
        Path run = dir.resolve("run");
        CliTest.Run train = inProcess("train", "--data", words.toString(), "--task", "language-model", "--layers", "embedding:16,lstm:64",
                "--epochs", "6", "--out", run.toString());
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(train.out()).contains(some.size() + " lines; ", "characters, lower-cased", "Loss per character on " + Math.round(some.size() * 0.2) + " held-out texts");
        double model = loss(train.out(), "model"), bigram = loss(train.out(), "bigram");
        System.out.printf("nabla train --task language-model on %d words: loss per character model %.4f, bigram %.4f%n", some.size(), model, bigram);
        assertThat(model).isLessThan(bigram);

        String file = run.resolve("model.nabla").toString();
        CliTest.Run generate = inProcess("generate", file, "--count", "20", "--temperature", "0.8", "--seed", "1");
        assertThat(generate.exit()).as(generate.err()).isZero();
        List<String> samples = generate.out().lines().toList();
        assertThat(samples).hasSize(20);
        assertThat(inProcess("generate", file, "--count", "20", "--temperature", "0.8", "--seed", "1").out()).isEqualTo(generate.out());
        assertThat(inProcess("generate", file, "--count", "20", "--temperature", "0.8", "--seed", "2").out()).isNotEqualTo(generate.out());
        Set<String> known = new HashSet<>();
        for (String w : some) known.add(w.toLowerCase(java.util.Locale.ROOT));
        assertThat(samples.stream().filter(w -> !known.contains(w)).count()).as("new words among %s", samples).isGreaterThanOrEqualTo(10);

        CliTest.Run predict = inProcess("predict", file, "--data", words.toString());
        assertThat(predict.exit()).isEqualTo(1);
        assertThat(predict.err().strip()).isEqualTo("nabla: predict: " + file + " is a language model; sample texts from it with: nabla generate " + file);
        assertThat(inProcess("generate", file, "--temperature", "0").err()).contains("--temperature: expected a positive number, got 0.0");
    }

    @Test
    void theTokenizerIsFittedOnTheTrainingPartOnly(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("unique.csv");
        StringBuilder sb = new StringBuilder("text,label\n");
        for (int i = 0; i < 50; i++) sb.append("common word").append(i).append(',').append(i % 2).append('\n');
        Files.writeString(csv, sb);
        DataSource s = DataSource.loadText(csv.toString(), "label", new DataSource.Text("text", false, null, Tokenizer.Level.WORD, true, 1000, 0), 42);
        Set<String> trainWords = new HashSet<>(List.of("common"));
        for (String t : s.trainTexts()) trainWords.add(t.split(" ")[1]);
        assertThat(s.trainTexts()).hasSize(40);
        assertThat(new HashSet<>(s.tokenizer().tokens().subList(4, s.tokenizer().vocabularySize()))).isEqualTo(trainWords);
        assertThat(s.tokenizer().length()).isEqualTo(2);
        // The test rows' own words are unknown to it: each is "common" (id 4, the most frequent) then unknown.
        float[] test = s.test().x().data();
        assertThat(test).hasSize(20);
        for (int i = 0; i < test.length; i += 2) assertThat(new float[] {test[i], test[i + 1]}).containsExactly(4, Tokenizer.UNKNOWN);
    }

    @Test
    void generateRefusesAModelThatIsNotALanguageModel(@TempDir Path dir) {
        Path run = dir.resolve("run");
        assertThat(inProcess("train", "--epochs", "1", "--out", run.toString()).exit()).isZero();
        CliTest.Run r = inProcess("generate", run.resolve("model.nabla").toString(), "--count", "3");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("nabla: generate: ").contains("is a classification model, not a language model");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void badTextInputGetsOneLineNamingWhatIsWrong(@TempDir Path dir) throws Exception {
        Path latin1 = dir.resolve("latin1.csv");
        Files.write(latin1, "review,label\ngood,pos\ncaf\u00e9 noir,neg\n".getBytes(StandardCharsets.ISO_8859_1));
        CliTest.Run notUtf8 = inProcess("train", "--data", latin1.toString(), "--text-column", "review", "--out", dir.resolve("a").toString());
        assertThat(notUtf8.exit()).isEqualTo(1);
        assertThat(notUtf8.err().strip()).isEqualTo("nabla: " + latin1 + " line 3: not UTF-8 (byte 0xE9 at offset 25); convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)");

        Path ok = dir.resolve("ok.csv");
        Files.writeString(ok, "review,label\ngood,pos\nbad,neg\n");
        CliTest.Run noColumn = inProcess("train", "--data", ok.toString(), "--text-column", "text", "--out", dir.resolve("b").toString());
        assertThat(noColumn.err().strip()).isEqualTo("nabla: ok.csv: no text column 'text'; columns are [review, label]");
        CliTest.Run noEmbedding = inProcess("train", "--data", ok.toString(), "--text-column", "review", "--layers", "lstm:8", "--out", dir.resolve("c").toString());
        assertThat(noEmbedding.err()).contains("--layers: a text model starts with embedding:DIM");
        CliTest.Run badTokens = inProcess("train", "--data", ok.toString(), "--text-column", "review", "--tokens", "bytes", "--out", dir.resolve("d").toString());
        assertThat(badTokens.err().strip()).isEqualTo("nabla: --tokens: expected words or chars, got 'bytes'");
        CliTest.Run scaled = inProcess("train", "--data", ok.toString(), "--text-column", "review", "--scale", "standard", "--out", dir.resolve("e").toString());
        assertThat(scaled.err()).contains("--scale: token ids are not scaled");
    }
}
