-- source orders
SELECT
  CAST(`id` AS BIGINT) AS `id`,
  CAST(`customer` AS STRING) AS `customer`,
  CAST(`amount` AS DECIMAL(10,2)) AS `amount`,
  CAST(`qty` AS INT) AS `qty`,
  CAST(`status` AS STRING) AS `status`,
  CAST(`at` AS TIMESTAMP) AS `at`,
  CAST(`dt` AS STRING) AS `dt`
FROM `raw_orders`;

-- source customers
SELECT
  CAST(`id` AS STRING) AS `id`,
  CAST(`name` AS STRING) AS `name`,
  CAST(`country` AS STRING) AS `country`,
  CAST(`vip` AS BOOLEAN) AS `vip`
FROM `raw_customers`;

-- transform order_lines
WITH `step1` AS (
  SELECT
    `id`,
    `customer`,
    `amount`,
    `qty`,
    `status`,
    `at`,
    `dt`
  FROM `orders`
  WHERE ((`status` IN ('paid', 'shipped')) AND (`amount` > 0))
),
`step2` AS (
  SELECT
    `l`.`id`,
    `l`.`customer`,
    `l`.`amount`,
    `l`.`qty`,
    `l`.`status`,
    `l`.`at`,
    `l`.`dt`,
    `customers`.`id` AS `customers.id`,
    `customers`.`name` AS `customers.name`,
    `customers`.`country` AS `customers.country`,
    `customers`.`vip` AS `customers.vip`
  FROM `step1` AS `l`
  INNER JOIN `customers` AS `customers`
    ON (`l`.`customer` = `customers`.`id`)
),
`step3` AS (
  SELECT
    `id`,
    `customer`,
    `amount`,
    `qty`,
    `status`,
    `at`,
    `dt`,
    `customers.id`,
    `customers.name`,
    `customers.country`,
    `customers.vip`,
    (`amount` * `qty`) AS `total`,
    upper(`customers.country`) AS `country`
  FROM `step2`
),
`step4` AS (
  SELECT
    `id`,
    `customer`,
    `amount`,
    `qty`,
    lower(`status`) AS `status`,
    `at`,
    `dt`,
    `customers.id`,
    `customers.name`,
    `customers.country`,
    `customers.vip`,
    `total`,
    `country`,
    (`total` > 100.5) AS `big`
  FROM `step3`
),
`step5` AS (
  SELECT
    `id`,
    `customer`,
    `amount`,
    `qty`,
    `status`,
    `at`,
    `dt`,
    `customers.id`,
    `customers.name`,
    `customers.country`,
    `customers.vip`,
    `total`,
    `country`,
    `big`,
    ROW_NUMBER() OVER (PARTITION BY `id` ORDER BY `at` DESC NULLS LAST, `customers.name` ASC NULLS FIRST, `customer` ASC NULLS FIRST, `amount` ASC NULLS FIRST, `qty` ASC NULLS FIRST, `status` ASC NULLS FIRST, `dt` ASC NULLS FIRST, `customers.id` ASC NULLS FIRST, `customers.country` ASC NULLS FIRST, `customers.vip` ASC NULLS FIRST, `total` ASC NULLS FIRST, `country` ASC NULLS FIRST, `big` ASC NULLS FIRST) AS `_rn`
  FROM `step4`
),
`step6` AS (
  SELECT
    `id`,
    `customer`,
    `amount`,
    `qty`,
    `status`,
    `at`,
    `dt`,
    `customers.id`,
    `customers.name`,
    `customers.country`,
    `customers.vip`,
    `total`,
    `country`,
    `big`
  FROM `step5`
  WHERE `_rn` = 1
)
SELECT
  `id`,
  `dt`,
  `at`,
  `total`,
  `big`,
  `status`,
  `country`,
  `customers.name` AS `name`,
  `customers.vip` AS `vip`
FROM `step6`;

-- transform by_country
WITH `step1` AS (
  SELECT
    `l`.`id`,
    `l`.`dt`,
    `l`.`at`,
    `l`.`total`,
    `l`.`big`,
    `l`.`status`,
    `l`.`country`,
    `l`.`name`,
    `l`.`vip`,
    `c`.`id` AS `c.id`,
    `c`.`name` AS `c.name`,
    `c`.`country` AS `c.country`,
    `c`.`vip` AS `c.vip`
  FROM `order_lines` AS `l`
  LEFT JOIN `customers` AS `c`
    ON (`l`.`name` = `c`.`name`)
)
SELECT
  `dt`,
  `c.country` AS `country`,
  count(*) AS `orders`,
  count(DISTINCT `name`) AS `buyers`,
  sum(`total`) AS `revenue`,
  avg(`total`) AS `avg_total`,
  max(`at`) AS `last_at`
FROM `step1`
GROUP BY `dt`, `c.country`;

-- transform plain
WITH `step1` AS (
  SELECT
    `id` AS `order_id`,
    `customer`,
    `amount`,
    `qty`,
    `at`
  FROM `orders`
),
`step2` AS (
  SELECT
    `l`.`order_id`,
    `l`.`customer`,
    `l`.`amount`,
    `l`.`qty`,
    `l`.`at`,
    `cu`.`id` AS `cu.id`,
    `cu`.`name` AS `cu.name`,
    `cu`.`country` AS `cu.country`,
    `cu`.`vip` AS `cu.vip`
  FROM `step1` AS `l`
  INNER JOIN `customers` AS `cu`
    ON (`l`.`customer` = `cu`.`id`)
)
SELECT
  `order_id`,
  `customer`,
  `amount`,
  `qty`,
  `at`,
  `cu.id` AS `id`,
  `cu.name` AS `name`,
  `cu.country` AS `country`,
  `cu.vip` AS `vip`
FROM `step2`;

-- table country_daily: rows
SELECT
  `dt`,
  `country`,
  `orders`,
  `buyers`,
  `revenue`,
  `avg_total`,
  `last_at`
FROM `by_country`;

-- table country_daily: load
SELECT
  `dt`,
  `country`,
  `orders`,
  CAST(`buyers` AS DECIMAL(20,0)) AS `buyers`,
  `revenue`,
  CAST(`avg_total` AS DECIMAL(30,8)) AS `avg_total`,
  `last_at`
FROM `by_country`;

-- table country_daily: check unique(dt,country)
SELECT
  CAST(COALESCE(SUM(`n`), 0) AS BIGINT) AS `n`
FROM (
  SELECT
    COUNT(*) AS `n`
  FROM `rows`
  WHERE `dt` IS NOT NULL AND `country` IS NOT NULL
  GROUP BY `dt`, `country`
  HAVING COUNT(*) > 1
) AS `dups`;

-- table country_daily: check not_null(country)
SELECT
  COUNT(*) AS `n`
FROM `rows`
WHERE `country` IS NULL;

-- table country_daily: check expect(revenue >= 0 OR revenue IS NULL)
SELECT
  COUNT(*) AS `n`
FROM `rows`
WHERE NOT COALESCE(((`revenue` >= 0) OR (`revenue` IS NULL)), FALSE);

-- table country_daily: check row_count(min=1,max=300)
SELECT
  COUNT(*) AS `n`
FROM `rows`;

-- table country_daily: lengths
SELECT
  COUNT(CASE WHEN octet_length(`dt`) > 10 THEN 1 END) AS `dt`,
  COUNT(CASE WHEN octet_length(`country`) > 2 THEN 1 END) AS `country`
FROM `rows`;

-- table lines: rows
SELECT
  `id`,
  `at`,
  `total`,
  `big`,
  `status`,
  `country`,
  `name`,
  `vip`
FROM `order_lines`;

-- table lines: load
SELECT
  `id`,
  `at`,
  CAST(`total` AS DECIMAL(22,2)) AS `total`,
  `big`,
  `status`,
  `country`,
  `name`,
  `vip`
FROM `order_lines`;

-- table lines: check merge key unique(id)
SELECT
  CAST(COALESCE(SUM(`n`), 0) AS BIGINT) AS `n`
FROM (
  SELECT
    COUNT(*) AS `n`
  FROM `rows`
  WHERE `id` IS NOT NULL
  GROUP BY `id`
  HAVING COUNT(*) > 1
) AS `dups`;

-- table lines: lengths
SELECT
  COUNT(CASE WHEN octet_length(`status`) > 16 THEN 1 END) AS `status`,
  COUNT(CASE WHEN octet_length(`country`) > 2 OR octet_length(`country`) <> length(`country`) THEN 1 END) AS `country`,
  COUNT(CASE WHEN octet_length(`name`) > 256 THEN 1 END) AS `name`
FROM `rows`;

-- table plain: rows
SELECT
  `order_id`,
  `name`,
  `amount`,
  `qty`,
  `at`
FROM `plain`;

-- table plain: load
SELECT
  `order_id`,
  `name`,
  CAST(`amount` AS DECIMAL(12,2)) AS `amount`,
  CAST(`qty` AS BIGINT) AS `qty`,
  `at`
FROM `plain`;

-- table plain: lengths
SELECT
  COUNT(CASE WHEN octet_length(`name`) > 64 THEN 1 END) AS `name`
FROM `rows`;
