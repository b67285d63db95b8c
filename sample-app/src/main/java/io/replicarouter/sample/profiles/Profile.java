package io.replicarouter.sample.profiles;

import io.replicarouter.sample.ServedBy;

/**
 * A customer's profile.
 * @param id the id
 * @param email the e-mail address
 * @param displayName the name shown
 * @param servedBy the server that read it
 */
public record Profile(long id, String email, String displayName, ServedBy servedBy) {
}
