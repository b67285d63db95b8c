-- The notes application's schema, created by Flyway in the flyway-jpa group (conformance-tests). Only the flyway-jpa Failsafe execution has Flyway on its class path.
create table oiv_note (id bigserial primary key, marker varchar(64) not null);
