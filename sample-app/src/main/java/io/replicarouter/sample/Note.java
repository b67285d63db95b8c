package io.replicarouter.sample;

/**
 * A note, with the port of the server that wrote it and of the server that read it.
 * @param id the id
 * @param text the text
 * @param writtenOn the port of the server that ran the insert
 * @param readFrom the port of the server that answered the read
 * @param readFromReplica whether that server is a replica
 */
public record Note(long id, String text, int writtenOn, int readFrom, boolean readFromReplica) {
}
