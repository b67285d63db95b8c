package io.replicarouter;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Sends the reads of the annotated method, or of every method of the annotated class, to a
 * replica group ({@link #group()}), and says how stale they may be: a replica whose
 * replication lag (at its last probe) is over
 * {@link #maxLag()} does not serve them, and one within it does, even when it is further
 * behind than {@code replica-router.max-lag} and so out of rotation for other reads. When no
 * replica is within the bound, the fallback applies ({@code replica-router.fallback}).
 * Read-your-writes holds on top of the bound.
 * <p>
 * Works on methods and classes, as a meta-annotation, and on the methods of interfaces
 * (Spring Data repositories), like {@link PrimaryRead}. The bound applies to connections
 * taken while the method runs; the innermost bound wins when such methods call each other,
 * (and the innermost group), and {@link PrimaryRead} wins over both (the primary is never
 * behind). A bound that cannot be read, or a group no replica is in, fails the
 * application's startup, naming the method.
 *
 * <pre class="code">
 * &#64;ReplicaRead(group = "analytics")
 * &#64;Transactional(readOnly = true)
 * public Report monthlyReport(YearMonth month) { ... }
 *
 * &#64;ReplicaRead(maxLag = "30s")
 * &#64;Transactional(readOnly = true)
 * public Page&lt;Product&gt; catalogPage(Pageable page) { ... }
 * </pre>
 * <p>
 * Meta-annotated with {@link Reflective}: AOT processing registers the annotated methods
 * and classes of beans for reflection, so that the annotation is found on them in a native
 * image. The annotation is read, never synthesized: it needs no proxy hint.
 *
 * @see io.replicarouter.routing.ReplicaReads
 */
@Target({ ElementType.METHOD, ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
@Reflective
public @interface ReplicaRead {

	/**
	 * The replica group to read from ({@code replica-router.replicas[i].group}); when none
	 * of its replicas can serve, the group's fallback applies
	 * ({@code replica-router.groups.<name>.fallback}). Empty (the default): an enclosing
	 * group, or else the {@code default} group of ordinary reads.
	 * @return the group
	 */
	String group() default "";

	/**
	 * The most replication lag these reads accept, as a duration such as {@code "500ms"},
	 * {@code "1s"} or {@code "30s"} (or an ISO-8601 duration, {@code "PT30S"}); zero or more.
	 * Empty (the default) sets no bound of its own: an enclosing one applies, or else
	 * {@code replica-router.max-lag}, the bound of every other read.
	 * @return the bound
	 */
	String maxLag() default "";

}
