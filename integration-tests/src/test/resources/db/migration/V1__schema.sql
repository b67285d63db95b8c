-- Every row records, by column defaults evaluated on the server, which server wrote it.
CREATE TABLE migration_log (
    id         serial PRIMARY KEY,
    served_by  int     NOT NULL DEFAULT inet_server_port(),
    on_replica boolean NOT NULL DEFAULT pg_is_in_recovery()
);
INSERT INTO migration_log DEFAULT VALUES;

CREATE TABLE note (
    id        bigserial PRIMARY KEY,
    text      varchar(200) NOT NULL,
    served_by int NOT NULL DEFAULT inet_server_port()
);

-- One row naming the server that answers the query.
CREATE VIEW server_identity AS
    SELECT 1 AS id, inet_server_port() AS port, pg_is_in_recovery() AS replica;
