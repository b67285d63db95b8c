create table if not exists sql_init_log (served_by int not null, on_replica boolean not null);
insert into sql_init_log values (inet_server_port(), pg_is_in_recovery());
