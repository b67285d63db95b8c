/**
 * Auto-configuration of read-your-writes for web requests.
 */
@NullMarked
package io.replicarouter.autoconfigure.consistency;

import org.jspecify.annotations.NullMarked;
