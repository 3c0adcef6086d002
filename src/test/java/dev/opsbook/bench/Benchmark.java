package dev.opsbook.bench;

import java.util.List;

/** One benchmark: runs side by side with its baseline and gives its rows. Smoke mode: tiny sizes, seconds at most. */
public interface Benchmark {

    String name();

    List<Row> run(boolean smoke) throws Exception;
}
