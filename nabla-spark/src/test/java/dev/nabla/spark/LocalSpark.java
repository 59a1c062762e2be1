package dev.nabla.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The one Spark context of the test JVM (Spark allows one per JVM), shared by every test class and stopped at exit.
 * {@code local[2,4]}: local mode with two worker threads, where a failed task is retried up to 4 times (plain
 * {@code local[2]} never retries, which would hide what a cluster does).
 */
final class LocalSpark {

    private static JavaSparkContext context;

    private LocalSpark() {}

    static synchronized JavaSparkContext context() {
        if (context == null) {
            SparkConf conf = new SparkConf().setMaster("local[2,4]").setAppName("nabla-spark-tests")
                    .set("spark.ui.enabled", "false")
                    .set("spark.driver.host", "127.0.0.1");
            context = new JavaSparkContext(conf);
            context.setLogLevel("WARN");
            Runtime.getRuntime().addShutdownHook(new Thread(context::stop));
        }
        return context;
    }
}
