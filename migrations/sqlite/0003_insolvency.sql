-- Insolvency watch: daily lists (ZFPPIPP 122.a) and published notices as received, and the
-- decisions people make on candidate matches (a fuzzy match never blocks by itself).

create table insolvency_records (
    id integer primary key autoincrement,
    kind text not null check (kind in ('daily_list', 'notice')),
    record_key text not null,
    source text not null,
    published_on text not null,
    data text not null,
    first_seen_at text not null,
    constraint insolvency_records_key unique (kind, record_key)
);

create table insolvency_decisions (
    id integer primary key autoincrement,
    claim_id integer not null references claims (id),
    record_key text not null,
    decision text not null check (decision in ('confirmed', 'rejected')),
    decided_by text not null,
    decided_at text not null,
    note text not null,
    constraint insolvency_decisions_key unique (claim_id, record_key)
);
