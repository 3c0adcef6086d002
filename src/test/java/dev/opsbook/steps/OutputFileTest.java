package dev.opsbook.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutputFileTest {

    private static final String SCRIPT = "echo \"file=$f\" >> \"$OPSBOOK_OUTPUT\"; echo \"count=3\"; echo \"log<<$D\"";

    @Test
    void name_equals_value_lines_and_delimited_values_are_outputs() throws Exception {
        assertThat(OutputFile.read("file=a=b.tar\n\ncount=3\r\nlog<<X-1\nline 1\ncount=9\n\nX-1\n", SCRIPT).toString())
                .isEqualTo("{\"file\":\"a=b.tar\",\"count\":\"3\",\"log\":\"line 1\\ncount=9\\n\"}");
        assertThat(OutputFile.read("", SCRIPT)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "file=a\\nisAdmin=true | line 2 of $OPSBOOK_OUTPUT writes output 'isAdmin', which the script never writes",
            "file=a\\nfile=b | output 'file' is written twice to $OPSBOOK_OUTPUT (lines 1 and 2)",
            "count=1\\nlog<<X\\ncount=2\\nX\\ncount=3 | output 'count' is written twice to $OPSBOOK_OUTPUT (lines 1 and 5)",
            "just text | line 1 of $OPSBOOK_OUTPUT is neither NAME=VALUE nor NAME<<DELIMITER: 'just text'",
            "=value | line 1 of $OPSBOOK_OUTPUT is neither NAME=VALUE nor NAME<<DELIMITER",
            "log<<END\\nno end | output 'log' starts on line 1 of $OPSBOOK_OUTPUT, but no line 'END' ends it",
            "myfile=x | writes output 'myfile', which the script never writes",
    })
    void a_file_no_reader_could_tell_apart_fails_the_step_saying_which_line(String text, String message) {
        assertThatThrownBy(() -> OutputFile.read(text.replace("\\n", "\n"), SCRIPT))
                .isInstanceOf(OutputFile.Unreadable.class)
                .hasMessageContaining(message.strip());
    }
}
