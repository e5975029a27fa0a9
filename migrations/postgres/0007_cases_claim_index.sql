-- The cases of one claim (claim drafts, the insolvency watch) are found by its id.
create index cases_claim_id_idx on cases (claim_id);
