-- Filing spine: batches, parties, claims, documents, lint findings, packages, proposals, events.
-- Money is exact decimal text (scale as written); timestamps RFC 3339 UTC; legal dates ISO dates.

create table batches (
    id bigint generated always as identity primary key,
    created_at timestamptz not null,
    files text not null,
    rows_imported bigint not null default 0,
    rows_rejected bigint not null default 0
);

create table creditors (
    id bigint generated always as identity primary key,
    identity_key text not null,
    kind text not null,
    display_name text not null,
    tax_number text,
    registration_number text,
    iban text,
    created_at timestamptz not null,
    constraint creditors_identity_key_key unique (identity_key)
);

create table debtors (
    id bigint generated always as identity primary key,
    identity_key text not null,
    kind text not null,
    display_name text not null,
    tax_number text,
    registration_number text,
    emso text,
    birth_date date,
    created_at timestamptz not null,
    constraint debtors_identity_key_key unique (identity_key)
);

create table claims (
    id bigint generated always as identity primary key,
    batch_id bigint not null references batches (id),
    creditor_id bigint not null references creditors (id),
    debtor_id bigint not null references debtors (id),
    claim_key text not null,
    external_ref text,
    source_file text not null,
    source_rows text not null,
    principal text not null,
    data text not null,
    status text not null default 'imported'
        check (status in ('imported', 'ready', 'blocked', 'filed', 'superseded')),
    created_at timestamptz not null
);
create index claims_claim_key_idx on claims (claim_key);
create index claims_status_idx on claims (status);

create table documents (
    id bigint generated always as identity primary key,
    claim_id bigint not null references claims (id),
    kind_code bigint not null,
    number text not null,
    issue_date date,
    due_date date,
    amount text not null,
    currency text not null
);
create index documents_number_idx on documents (number);

create table import_results (
    id bigint generated always as identity primary key,
    batch_id bigint not null references batches (id),
    file text not null,
    row_no bigint,
    status text not null check (status in ('imported', 'rejected')),
    claim_id bigint references claims (id),
    field text,
    value text,
    reason text
);

create table lint_runs (
    id bigint generated always as identity primary key,
    created_at timestamptz not null,
    claims_checked bigint not null,
    claims_ready bigint not null,
    claims_blocked bigint not null
);

create table lint_findings (
    id bigint generated always as identity primary key,
    lint_run_id bigint not null references lint_runs (id),
    claim_id bigint not null references claims (id),
    code text not null,
    severity text not null check (severity in ('error', 'warning')),
    field text not null,
    value text not null,
    message text not null
);
create index lint_findings_claim_idx on lint_findings (claim_id);

create table packages (
    id text primary key,
    created_at timestamptz not null,
    status text not null check (status in ('sealed', 'written')),
    item_count bigint not null,
    control_sum text not null,
    xml bytea not null,
    sha256 text not null,
    written_at timestamptz,
    outbox_dir text
);

create table proposals (
    id text primary key,
    claim_id bigint not null references claims (id),
    claim_key text not null,
    package_id text not null references packages (id),
    seq bigint not null,
    principal text not null,
    xml bytea not null,
    sha256 text not null,
    created_at timestamptz not null,
    constraint proposals_claim_key_key unique (claim_key),
    constraint proposals_claim_id_key unique (claim_id)
);

create table events (
    id bigint generated always as identity primary key,
    at timestamptz not null,
    actor text not null,
    entity text not null,
    entity_id text not null,
    action text not null,
    detail text not null,
    prev_hash text not null,
    hash text not null
);

create table interest_rates (
    id bigint generated always as identity primary key,
    valid_from date not null,
    rate_percent text not null,
    source text not null,
    entered_at timestamptz not null,
    constraint interest_rates_valid_from_key unique (valid_from)
);
