package dev.killboard.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class that starts a Hazelcast cluster (a clustered Vert.x harness, several members)
 * or child JVMs: failsafe runs it in {@code mvn verify}, while {@code mvn test} leaves it out for a
 * quick local run.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Tag(ClusterTest.TAG)
public @interface ClusterTest {
  /** The JUnit tag, as the build's surefire and failsafe configuration name it. */
  String TAG = "cluster";
}
