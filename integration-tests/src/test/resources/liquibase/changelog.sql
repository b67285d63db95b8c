--liquibase formatted sql

--changeset replica-router:1
CREATE TABLE liquibase_log (
    id         serial PRIMARY KEY,
    served_by  int     NOT NULL DEFAULT inet_server_port(),
    on_replica boolean NOT NULL DEFAULT pg_is_in_recovery()
);
INSERT INTO liquibase_log DEFAULT VALUES;
