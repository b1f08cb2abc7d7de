-- The waiting time from toewijzing to start (indicator wachttijd_toewijzing_start) in DuckDB
-- SQL over the Ketendata table regie, per gemeente, wet, aanbieder and month of the start:
-- per toewijzing the first start (by receipt) that is still valid, calendar days from the
-- ToewijzingIngangsdatum to the Begindatum; percentiles by nearest rank (quantile_disc),
-- the mean rounded to two decimals.
-- $REGIE is replaced by the Parquet files, for example 'data/lake/ketendata/regie/*/*/*.parquet'.
WITH starts AS (
    SELECT gemeente, wet, aanbieder, begindatum, begindatum - toewijzing_ingangsdatum AS dagen,
           row_number() OVER (PARTITION BY gemeente, wet, toewijzing_nummer ORDER BY ontvangen, bericht_id) AS volgorde
    FROM read_parquet($REGIE)
    WHERE soort = 'start' AND status_aanlevering = '1' AND geldig
)
SELECT gemeente, wet, aanbieder, strftime(begindatum, '%Y-%m') AS maand,
       count(*) AS n,
       round(sum(dagen)::DOUBLE / count(*) * 100) / 100 AS gemiddelde,
       quantile_disc(dagen, 0.5) AS mediaan,
       quantile_disc(dagen, 0.8) AS p80,
       quantile_disc(dagen, 0.9) AS p90,
       max(dagen) AS max
FROM starts
WHERE volgorde = 1 AND begindatum IS NOT NULL AND dagen IS NOT NULL
GROUP BY ALL
ORDER BY ALL
