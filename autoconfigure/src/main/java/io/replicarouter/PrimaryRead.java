package io.replicarouter;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Pins the database work of the annotated method, or of every method of the annotated
 * class, to the primary, even inside a {@code @Transactional(readOnly = true)}
 * transaction.
 * <p>
 * Use it for reads that must see the very latest committed data, for example a read that
 * decides whether a write is allowed. The transaction keeps its read-only flag: a write
 * attempted in it still fails.
 * <p>
 * The pin applies to connections taken while the method runs. A transaction that the
 * method joins and that already runs on a replica keeps its connection; start the
 * transaction inside the annotated method (or annotate the outer method) instead. The
 * annotation may be used as a meta-annotation.
 * <p>
 * Meta-annotated with {@link Reflective}: AOT processing registers the annotated methods
 * and classes of beans for reflection, so that the annotation is found on them in a native
 * image. The annotation is read, never synthesized: it needs no proxy hint.
 *
 * @see io.replicarouter.routing.PrimaryReads
 */
@Target({ ElementType.METHOD, ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
@Reflective
public @interface PrimaryRead {

}
