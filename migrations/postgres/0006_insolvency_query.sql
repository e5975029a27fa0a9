-- Answers of the CIF query service (ZFPPIPP 122(3), 122.a): asked by tax number or by EMŠO,
-- answered yes or no, nothing more (no case number, no type). Every answer is kept for the
-- record; the latest one per identifier is the one lint and the re-check before signing use, so
-- a later "no" lifts an earlier "yes". A table of its own rather than a third kind of
-- insolvency_records: an answer is not a publication (no publication date, no record key to
-- deduplicate on), it is looked up by identifier, and SQLite cannot relax a check constraint
-- without rebuilding the table.

create table insolvency_queries (
    id bigint generated always as identity primary key,
    id_kind text not null check (id_kind in ('tax_number', 'emso')),
    id_value text not null,
    answer text not null check (answer in ('in_proceedings', 'not_in_proceedings')),
    -- The Ljubljana date of the answer (lint names it).
    asked_on date not null,
    asked_at timestamptz not null,
    -- The service's base URL.
    source text not null,
    asked_by text not null,
    -- The claim the clerk asked for, if any.
    claim_id bigint references claims (id)
);
create index insolvency_queries_id_idx on insolvency_queries (id_kind, id_value, id);
