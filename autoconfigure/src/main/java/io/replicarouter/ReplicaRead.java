package io.replicarouter;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Says how stale the reads of the annotated method, or of every method of the annotated
 * class, may be: a replica whose replication lag (at its last probe) is over
 * {@link #maxLag()} does not serve them, and one within it does, even when it is further
 * behind than {@code replica-router.max-lag} and so out of rotation for other reads. When no
 * replica is within the bound, the fallback applies ({@code replica-router.fallback}).
 * Read-your-writes holds on top of the bound.
 * <p>
 * Works on methods and classes, as a meta-annotation, and on the methods of interfaces
 * (Spring Data repositories), like {@link PrimaryRead}. The bound applies to connections
 * taken while the method runs; the innermost bound wins when such methods call each other,
 * and {@link PrimaryRead} wins over any bound (the primary is never behind). A bound that
 * cannot be read fails the application's startup, naming the method.
 *
 * <pre class="code">
 * &#64;ReplicaRead(maxLag = "30s")
 * &#64;Transactional(readOnly = true)
 * public Report monthlyReport(YearMonth month) { ... }
 * </pre>
 *
 * @see io.replicarouter.routing.ReplicaReads
 */
@Target({ ElementType.METHOD, ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface ReplicaRead {

	/**
	 * The most replication lag these reads accept, as a duration such as {@code "500ms"},
	 * {@code "1s"} or {@code "30s"} (or an ISO-8601 duration, {@code "PT30S"}); zero or more.
	 * Empty (the default) sets no bound of its own: an enclosing one applies, or else
	 * {@code replica-router.max-lag}, the bound of every other read.
	 * @return the bound
	 */
	String maxLag() default "";

}
