CREATE TABLE note (
    id         bigserial PRIMARY KEY,
    text       varchar(500) NOT NULL,
    -- Evaluated by the server that runs the INSERT: proves where writes land.
    written_on int NOT NULL DEFAULT inet_server_port()
);
