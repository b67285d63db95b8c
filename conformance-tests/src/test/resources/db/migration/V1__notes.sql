-- FlywayApplication's schema (conformance-tests). Only the flyway-jpa Failsafe execution has Flyway on its class path.
create table fw_note (id bigserial primary key, marker varchar(64) not null);
