-- Court exchange: one submission per package and the court's receipt, item by item.
-- Crash safety: the submission row is committed as 'submitting' before the request goes out and
-- becomes 'received' with the receipt in a second transaction; a 'submitting' row found later
-- is sent again with the same package id, and the court answers with the original receipt.
-- The receipt is kept byte for byte as the court signed it.

create table court_submissions (
    package_id text primary key references packages (id),
    court_url text not null,
    status text not null check (status in ('submitting', 'received')),
    attempts bigint not null default 0,
    first_attempt_at timestamptz not null,
    last_attempt_at timestamptz not null,
    last_error text,
    received_at timestamptz,
    receipt_id text,
    receipt_status text,
    receipt_xml bytea,
    receipt_sha256 text
);
create index court_submissions_status_idx on court_submissions (status);

create table court_receipt_items (
    proposal_id text primary key references proposals (id),
    package_id text not null references court_submissions (package_id),
    seq bigint not null,
    status text not null check (status in ('accepted', 'rejected')),
    court_receipt_id text,
    case_number text,
    fee_amount text,
    fee_reference text,
    fee_due_date date,
    code text,
    message text,
    constraint court_receipt_items_accepted_check check (
        status <> 'accepted' or (court_receipt_id is not null and fee_amount is not null
            and fee_reference is not null and fee_due_date is not null)),
    constraint court_receipt_items_rejected_check check (
        status <> 'rejected' or code is not null)
);
create index court_receipt_items_package_idx on court_receipt_items (package_id);
create index court_receipt_items_case_number_idx on court_receipt_items (case_number);
