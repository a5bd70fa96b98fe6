-- source step1
SELECT
  CAST(CASE WHEN (`k` IN ('')) THEN NULL ELSE `k` END AS STRING) AS `k`,
  CAST(CASE WHEN (`x` IN ('')) THEN NULL ELSE `x` END AS INT) AS `x`,
  CAST(CASE WHEN (`y` IN ('')) THEN NULL ELSE `y` END AS DOUBLE) AS `y`,
  CAST(CASE WHEN (`note` IN ('')) THEN NULL ELSE `note` END AS STRING) AS `note`
FROM `raw_step1`;

-- source flowc_rows
SELECT
  CAST(CASE WHEN (`k` IN ('')) THEN NULL ELSE `k` END AS STRING) AS `k`,
  CAST(CASE WHEN (`label` IN ('')) THEN NULL ELSE `label` END AS STRING) AS `label`
FROM `raw_flowc_rows`;

-- transform chained
WITH `_step1` AS (
  SELECT
    `l_`.`k`,
    `l_`.`x`,
    `l_`.`y`,
    `l_`.`note`,
    `l`.`k` AS `l.k`,
    `l`.`label` AS `l.label`
  FROM `step1` AS `l_`
  LEFT JOIN `flowc_rows` AS `l`
    ON (`l_`.`k` = `l`.`k`)
),
`_step2` AS (
  SELECT
    `k`,
    `x`,
    `y`,
    `note`,
    `l.k`,
    `l.label`
  FROM `_step1`
  WHERE ((`l.label` IS NOT NULL) OR (`x` BETWEEN 1 AND 10))
),
`_step3` AS (
  SELECT
    `k`,
    `x`,
    `y`,
    `note`,
    `l.k`,
    `l.label`,
    (`x` + 1) AS `a`
  FROM `_step2`
),
`_step4` AS (
  SELECT
    `k`,
    `x`,
    `y`,
    `note`,
    `l.k`,
    `l.label`,
    `a`,
    (`a` * 2) AS `b`
  FROM `_step3`
),
`_step5` AS (
  SELECT
    `k`,
    `x`,
    `y`,
    `note`,
    `l.k`,
    `l.label`,
    `a`,
    `b`,
    (`b` + `a`) AS `c`
  FROM `_step4`
),
`_step6` AS (
  SELECT
    `k`,
    (`c` - 1) AS `x`,
    `y`,
    `note`,
    `l.k`,
    `l.label`,
    `a`,
    `b`,
    `c`,
    coalesce(`l.label`, 'none') AS `label`
  FROM `_step5`
),
`_step7` AS (
  SELECT
    `k`,
    `x`,
    `y`,
    `note`,
    `l.k`,
    `l.label`,
    `a`,
    `b`,
    `c`,
    `label`,
    ROW_NUMBER() OVER (PARTITION BY `k` ORDER BY `x` ASC NULLS FIRST, `y` ASC NULLS FIRST, `note` ASC NULLS FIRST, `l.k` ASC NULLS FIRST, `l.label` ASC NULLS FIRST, `a` ASC NULLS FIRST, `b` ASC NULLS FIRST, `c` ASC NULLS FIRST, `label` ASC NULLS FIRST) AS `_rn`
  FROM `_step6`
),
`_step8` AS (
  SELECT
    `k`,
    `x`,
    `y`,
    `note`,
    `l.k`,
    `l.label`,
    `a`,
    `b`,
    `c`,
    `label`
  FROM `_step7`
  WHERE `_rn` = 1
)
SELECT
  `k`,
  `a`,
  `b`,
  `c`,
  `x`,
  `y`,
  `label`
FROM `_step8`;

-- transform totals
SELECT
  count(*) AS `n`,
  sum(`x`) AS `total`,
  avg(`y`) AS `mean`
FROM `chained`;

-- transform copy
SELECT
  `k`,
  `x`,
  `y`,
  `note`
FROM `step1`;

-- table totals: rows
SELECT
  `n`,
  `total`,
  `mean`
FROM `totals`;

-- table totals: load
SELECT
  `n`,
  `total`,
  `mean`
FROM `totals`;

-- table totals: check row_count(max=1)
SELECT
  COUNT(*) AS `n`
FROM `rows`;

-- table totals: check merge key unique(n)
SELECT
  CAST(COALESCE(SUM(`n`), 0) AS BIGINT) AS `n`
FROM (
  SELECT
    COUNT(*) AS `n`
  FROM `rows`
  WHERE `n` IS NOT NULL
  GROUP BY `n`
  HAVING COUNT(*) > 1
) AS `dups`;

-- table copy: rows
SELECT
  `k`,
  `x`,
  `y`,
  `note`
FROM `copy`;

-- table copy: load
SELECT
  `k`,
  CAST(`x` AS BIGINT) AS `x`,
  `y`,
  `note`
FROM `copy`;

-- table copy: check unique(k)
SELECT
  CAST(COALESCE(SUM(`n`), 0) AS BIGINT) AS `n`
FROM (
  SELECT
    COUNT(*) AS `n`
  FROM `rows`
  WHERE `k` IS NOT NULL
  GROUP BY `k`
  HAVING COUNT(*) > 1
) AS `dups`;

-- table copy: lengths
SELECT
  COUNT(CASE WHEN octet_length(`k`) > 8 THEN 1 END) AS `k`,
  COUNT(CASE WHEN octet_length(`note`) > 65535 THEN 1 END) AS `note`
FROM `rows`;

-- table chained: rows
SELECT
  `k`,
  `a`,
  `b`,
  `c`,
  `x`,
  `y`,
  `label`
FROM `chained`;

-- table chained: load
SELECT
  `k`,
  `a`,
  `b`,
  `c`,
  `x`,
  `y`,
  `label`
FROM `chained`;

-- table chained: check merge key unique(k)
SELECT
  CAST(COALESCE(SUM(`n`), 0) AS BIGINT) AS `n`
FROM (
  SELECT
    COUNT(*) AS `n`
  FROM `rows`
  WHERE `k` IS NOT NULL
  GROUP BY `k`
  HAVING COUNT(*) > 1
) AS `dups`;

-- table chained: lengths
SELECT
  COUNT(CASE WHEN octet_length(`k`) > 8 THEN 1 END) AS `k`,
  COUNT(CASE WHEN octet_length(`label`) > 32 THEN 1 END) AS `label`
FROM `rows`;
