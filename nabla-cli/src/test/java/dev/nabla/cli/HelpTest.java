package dev.nabla.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Help as people look for it: {@code --help} and {@code -h} on every subcommand, and whole sentences in the list. */
class HelpTest {

    @ParameterizedTest
    @ValueSource(strings = {"train", "evaluate", "predict", "summary", "datasets", "explain", "board", "gradcheck", "export", "bench"})
    void everySubcommandPrintsItsUsageForHelp(String command) {
        for (String flag : new String[] {"--help", "-h"}) {
            CliTest.Run r = CliTest.inProcess(command, flag);
            assertThat(r.exit()).as("%s %s: %s", command, flag, r.err()).isZero();
            assertThat(r.out()).startsWith("Usage: nabla " + command).contains("--help");
        }
    }

    @Test
    void eachSubcommandsLineInTheListIsAWholeSentence() {
        CliTest.Run r = CliTest.inProcess("--help");
        assertThat(r.exit()).isZero();
        String list = r.out().substring(r.out().indexOf("Commands:") + "Commands:".length());
        // an entry is "  name  description", wrapped onto lines indented further
        for (String entry : list.strip().split("\n(?=  \\S)|^(?=\\S)")) {
            String text = entry.strip().replaceAll("\\s+", " ");
            assertThat(text).as("the entry of %s", text.split(" ")[0]).matches("\\S+ .*[.)]");
        }
    }

    @Test
    void aCommandLineThatNamesASubcommandBuildsThatOneAlone() {
        assertThat(Main.commandLine(new String[] {"bench", "W2", "--runs", "0"}).getSubcommands()).containsOnlyKeys("bench");
        assertThat(Main.commandLine(new String[] {"train"}).getSubcommands()).containsOnlyKeys("train");
    }

    @Test
    void theHelpItsListAndAMistypedNameStillSeeEverySubcommand() {
        List<String> all = List.of("train", "evaluate", "predict", "generate", "summary", "datasets", "explain", "board", "gradcheck",
                "export", "import", "bench", "help");
        for (String[] args : new String[][] {{}, {"--help"}, {"help", "bench"}, {"trian"}, {"--version"}}) {
            assertThat(Main.commandLine(args).getSubcommands().keySet()).as(String.join(" ", args)).containsExactlyElementsOf(all);
        }
        assertThat(CliTest.inProcess("help", "bench").out()).startsWith("Usage: nabla bench");
        CliTest.Run typo = CliTest.inProcess("trian");
        assertThat(typo.exit()).isEqualTo(2);
        assertThat(typo.err()).contains("'trian'");
    }
}
