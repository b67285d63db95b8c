/**
 * Consistency scopes for servlet web requests.
 */
@NullMarked
package io.replicarouter.consistency.web;

import org.jspecify.annotations.NullMarked;
