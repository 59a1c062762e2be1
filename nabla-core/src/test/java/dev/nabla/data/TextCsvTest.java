package dev.nabla.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A CSV's text column read for text models, and files that are not UTF-8. */
class TextCsvTest {

    @Test
    void theTextColumnComesBackAsWrittenWithTheLabelsAsClasses() {
        CsvReader.TextData d = CsvReader.withHeader().target("label")
                .readText("id,review,label\n1,\"Great, \"\"really\"\" great\",pos\n2,dull,neg\n3,,neg\n", "r.csv", "review");
        assertThat(d.texts()).containsExactly("Great, \"really\" great", "dull", "");
        assertThat(d.classNames()).containsExactly("neg", "pos");
        assertThat(d.y().data()).containsExactly(1, 0, 0);
        assertThat(d.targetName()).isEqualTo("label");
    }

    @Test
    void aQuotedEmptyTextIsARowWhileABlankLineIsNot() {
        CsvReader.TextData d = CsvReader.withHeader().noTarget().readText("review\nfirst\n\n\"\"\nlast\n", "p.csv", "review");
        assertThat(d.texts()).containsExactly("first", "", "last");
    }

    @Test
    void aMissingTextColumnOrOneThatIsAlsoTheTargetIsRefused() {
        assertThatThrownBy(() -> CsvReader.withHeader().readText("a,b\nx,1\n", "r.csv", "review"))
                .hasMessage("r.csv: no text column 'review'; columns are [a, b]");
        assertThatThrownBy(() -> CsvReader.withHeader().readText("a,b\nx,y\n", "r.csv", "b"))
                .hasMessage("r.csv: the text column 'b' cannot also be the target");
        assertThat(CsvReader.withHeader().noTarget().readText("b\nx\n", "p.csv", "b").texts()).containsExactly("x");
    }

    @Test
    void aFileThatIsNotUtf8IsRefusedNamingTheLineAndTheByte(@TempDir Path dir) throws Exception {
        Path latin1 = dir.resolve("latin1.csv");
        Files.write(latin1, "review,label\nfine,pos\ncaf\u00e9,neg\n".getBytes(StandardCharsets.ISO_8859_1));
        String expected = latin1 + " line 3: not UTF-8 (byte 0xE9 at offset 25); convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)";
        assertThatThrownBy(() -> CsvReader.withHeader().readText(latin1, "review")).isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        assertThatThrownBy(() -> CsvReader.withHeader().read(latin1)).isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        assertThatThrownBy(() -> TextFiles.nonBlankLines(latin1)).isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
    }

    @Test
    void textLinesAreTrimmedAndBlankOnesLeftOut(@TempDir Path dir) throws Exception {
        Path words = dir.resolve("words.txt");
        Files.writeString(words, "apple\n\n  pear \r\ncr\u00e8me\n");
        assertThat(TextFiles.nonBlankLines(words)).containsExactly("apple", "pear", "cr\u00e8me");
        Files.writeString(words, "\n \n");
        assertThatThrownBy(() -> TextFiles.nonBlankLines(words)).hasMessage(words + ": no non-blank lines");
    }
}
