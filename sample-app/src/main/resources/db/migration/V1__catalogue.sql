-- written_on columns are evaluated by the server that runs the INSERT or UPDATE:
-- they prove where writes land.
CREATE TABLE product (
    id          bigserial PRIMARY KEY,
    name        varchar(200) NOT NULL,
    price_cents bigint       NOT NULL,
    stock       int          NOT NULL,
    written_on  int          NOT NULL DEFAULT inet_server_port()
);

CREATE TABLE customer_profile (
    id           bigserial PRIMARY KEY,
    email        varchar(200) NOT NULL UNIQUE,
    display_name varchar(200) NOT NULL,
    updated_at   timestamptz  NOT NULL DEFAULT now(),
    written_on   int          NOT NULL DEFAULT inet_server_port()
);

CREATE TABLE purchase_order (
    id          bigserial PRIMARY KEY,
    customer_id bigint      NOT NULL REFERENCES customer_profile (id),
    product_id  bigint      NOT NULL REFERENCES product (id),
    quantity    int         NOT NULL CHECK (quantity > 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    written_on  int         NOT NULL DEFAULT inet_server_port()
);
CREATE INDEX purchase_order_customer ON purchase_order (customer_id, created_at DESC);

INSERT INTO product (name, price_cents, stock)
SELECT 'Product ' || i, 100 + i * 7, 1000 FROM generate_series(1, 100) i;

INSERT INTO customer_profile (email, display_name)
SELECT 'customer' || i || '@example.com', 'Customer ' || i FROM generate_series(1, 20) i;
