-- source orders
SELECT
  CAST(`id` AS BIGINT) AS `id`,
  CAST(`customer` AS STRING) AS `customer`,
  CAST(`amount` AS DECIMAL(10,2)) AS `amount`,
  CAST(`qty` AS INT) AS `qty`,
  CAST(`at` AS TIMESTAMP) AS `at`,
  CAST(`dt` AS STRING) AS `dt`
FROM `raw_orders`;

-- source customers
SELECT
  CAST(`id` AS STRING) AS `id`,
  CAST(`country` AS STRING) AS `country`
FROM `raw_customers`;

-- transform order_history
WITH `step1` AS (
  SELECT
    `l`.`id`,
    `l`.`customer`,
    `l`.`amount`,
    `l`.`qty`,
    `l`.`at`,
    `l`.`dt`,
    `c`.`id` AS `c.id`,
    `c`.`country` AS `c.country`
  FROM `orders` AS `l`
  LEFT JOIN `customers` AS `c`
    ON (`l`.`customer` = `c`.`id`)
),
`step2` AS (
  SELECT
    `id`,
    `customer`,
    `amount`,
    `qty`,
    `at`,
    `dt`,
    `c.id`,
    `c.country`,
    row_number() OVER (PARTITION BY `customer` ORDER BY `at` ASC NULLS FIRST, `id` DESC NULLS FIRST, `amount` ASC NULLS FIRST, `qty` ASC NULLS FIRST, `dt` ASC NULLS FIRST, `c.id` ASC NULLS FIRST, `c.country` ASC NULLS FIRST) AS `nth`,
    lag(`amount`, 1, CAST(0 AS DECIMAL(10,2))) OVER (PARTITION BY `customer` ORDER BY `at` ASC NULLS FIRST, `id` DESC NULLS FIRST, `amount` ASC NULLS FIRST, `qty` ASC NULLS FIRST, `dt` ASC NULLS FIRST, `c.id` ASC NULLS FIRST, `c.country` ASC NULLS FIRST) AS `prev_amount`,
    lead(`at`, 2) OVER (PARTITION BY `customer` ORDER BY `at` ASC NULLS FIRST, `id` DESC NULLS FIRST, `amount` ASC NULLS FIRST, `qty` ASC NULLS FIRST, `dt` ASC NULLS FIRST, `c.id` ASC NULLS FIRST, `c.country` ASC NULLS FIRST) AS `next_at`,
    first_value(`c.country`) OVER (PARTITION BY `customer` ORDER BY `at` ASC NULLS FIRST, `id` DESC NULLS FIRST, `amount` ASC NULLS FIRST, `qty` ASC NULLS FIRST, `dt` ASC NULLS FIRST, `c.id` ASC NULLS FIRST, `c.country` ASC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS `first_country`,
    sum(`amount`) OVER (PARTITION BY `customer` ORDER BY `at` ASC NULLS FIRST, `id` DESC NULLS FIRST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS `running`
  FROM `step1`
),
`step3` AS (
  SELECT
    `id`,
    `customer`,
    `amount`,
    max(`qty`) OVER (PARTITION BY `c.country` ORDER BY `amount` DESC NULLS LAST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS `qty`,
    `at`,
    `dt`,
    `c.id`,
    `c.country`,
    `nth`,
    `prev_amount`,
    `next_at`,
    `first_country`,
    `running`,
    rank() OVER (PARTITION BY `c.country` ORDER BY `amount` DESC NULLS LAST) AS `amount_rank`,
    dense_rank() OVER (PARTITION BY `c.country` ORDER BY `amount` DESC NULLS LAST) AS `amount_dense`
  FROM `step2`
),
`step4` AS (
  SELECT
    `id`,
    `customer`,
    `amount`,
    `qty`,
    `at`,
    `dt`,
    `c.id`,
    `c.country`,
    `nth`,
    `prev_amount`,
    `next_at`,
    `first_country`,
    `running`,
    `amount_rank`,
    `amount_dense`,
    avg(`amount`) OVER (PARTITION BY `customer` ORDER BY `at` ASC NULLS FIRST, `id` ASC NULLS FIRST, `amount` ASC NULLS FIRST, `qty` ASC NULLS FIRST, `dt` ASC NULLS FIRST, `c.id` ASC NULLS FIRST, `c.country` ASC NULLS FIRST, `nth` ASC NULLS FIRST, `prev_amount` ASC NULLS FIRST, `next_at` ASC NULLS FIRST, `first_country` ASC NULLS FIRST, `running` ASC NULLS FIRST, `amount_rank` ASC NULLS FIRST, `amount_dense` ASC NULLS FIRST ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS `moving_avg`,
    count(*) OVER (PARTITION BY `customer` ORDER BY `at` ASC NULLS FIRST, `id` ASC NULLS FIRST, `amount` ASC NULLS FIRST, `qty` ASC NULLS FIRST, `dt` ASC NULLS FIRST, `c.id` ASC NULLS FIRST, `c.country` ASC NULLS FIRST, `nth` ASC NULLS FIRST, `prev_amount` ASC NULLS FIRST, `next_at` ASC NULLS FIRST, `first_country` ASC NULLS FIRST, `running` ASC NULLS FIRST, `amount_rank` ASC NULLS FIRST, `amount_dense` ASC NULLS FIRST ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS `moving_n`
  FROM `step3`
),
`step5` AS (
  SELECT
    `id`,
    `customer`,
    `amount`,
    `qty`,
    `at`,
    `dt`,
    `c.id`,
    `c.country`,
    `nth`,
    `prev_amount`,
    `next_at`,
    `first_country`,
    `running`,
    `amount_rank`,
    `amount_dense`,
    `moving_avg`,
    `moving_n`,
    max(`amount`) OVER (PARTITION BY `customer` ORDER BY `at` ASC NULLS FIRST RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS `later_max`,
    last_value(`at`) OVER (PARTITION BY `customer` ORDER BY `at` ASC NULLS FIRST, `id` ASC NULLS FIRST, `amount` ASC NULLS FIRST, `qty` ASC NULLS FIRST, `dt` ASC NULLS FIRST, `c.id` ASC NULLS FIRST, `c.country` ASC NULLS FIRST, `nth` ASC NULLS FIRST, `prev_amount` ASC NULLS FIRST, `next_at` ASC NULLS FIRST, `first_country` ASC NULLS FIRST, `running` ASC NULLS FIRST, `amount_rank` ASC NULLS FIRST, `amount_dense` ASC NULLS FIRST, `moving_avg` ASC NULLS FIRST, `moving_n` ASC NULLS FIRST RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS `last_at`
  FROM `step4`
),
`step6` AS (
  SELECT
    `id`,
    `customer`,
    `amount`,
    `qty`,
    `at`,
    `dt`,
    `c.id`,
    `c.country`,
    `nth`,
    `prev_amount`,
    `next_at`,
    `first_country`,
    `running`,
    `amount_rank`,
    `amount_dense`,
    `moving_avg`,
    `moving_n`,
    `later_max`,
    `last_at`,
    count(`id`) OVER () AS `all_orders`
  FROM `step5`
)
SELECT
  `id`,
  `dt`,
  `customer`,
  `nth`,
  `prev_amount`,
  `next_at`,
  `first_country`,
  `running`,
  `amount_rank`,
  `amount_dense`,
  `qty`,
  `moving_avg`,
  `moving_n`,
  `later_max`,
  `last_at`,
  `all_orders`
FROM `step6`;

-- table order_history: rows
SELECT
  `id`,
  `dt`,
  `customer`,
  `nth`,
  `prev_amount`,
  `next_at`,
  `first_country`,
  `running`,
  `amount_rank`,
  `amount_dense`,
  `qty`,
  `moving_avg`,
  `moving_n`,
  `later_max`,
  `last_at`,
  `all_orders`
FROM `order_history`;

-- table order_history: load
SELECT
  `id`,
  `dt`,
  `customer`,
  `nth`,
  `prev_amount`,
  `next_at`,
  `first_country`,
  `running`,
  `amount_rank`,
  `amount_dense`,
  `qty`,
  `moving_avg`,
  `moving_n`,
  `later_max`,
  `last_at`,
  `all_orders`
FROM `order_history`;

-- table order_history: lengths
SELECT
  COUNT(CASE WHEN octet_length(`dt`) > 10 THEN 1 END) AS `dt`,
  COUNT(CASE WHEN octet_length(`customer`) > 64 THEN 1 END) AS `customer`,
  COUNT(CASE WHEN octet_length(`first_country`) > 64 THEN 1 END) AS `first_country`
FROM `rows`;
