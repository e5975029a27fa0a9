-- Cases (design.md §6): one per proposal the court's receipt answered, its transitions (each with
-- its source: the receipt, a court document, a fee payment), the court documents taken (bytes as
-- received, the signature verdict, the parse result), the deadlines that follow, and the fee
-- payments recorded by `writ fees pay`. Timestamps are bound from Rust; legal dates are dates.

create table cases (
    id integer primary key autoincrement,
    claim_id integer not null references claims (id),
    proposal_id text not null references proposals (id),
    -- VL number, e.g. "VL 12/2026" (null for a proposal the receipt rejected).
    case_number text,
    -- serde JSON of tracker::CaseState (exact, e.g. a stay remembers the state before it).
    state text not null,
    -- The state in words (tracker::CaseState's Display), for filtering and listing.
    state_label text not null,
    fee_reference text,
    fee_amount text,
    fee_due_date text,
    created_at text not null,
    updated_at text not null,
    constraint cases_proposal_id_key unique (proposal_id)
);
create index cases_case_number_idx on cases (case_number);
create index cases_fee_reference_idx on cases (fee_reference);
create index cases_state_label_idx on cases (state_label);

create table court_documents (
    id integer primary key autoincrement,
    -- The court's document id; for an unsigned import "import:<sha256>".
    external_id text not null,
    received_at text not null,
    bytes blob not null,
    sha256 text not null,
    signature_verified integer not null,
    verifier_message text,
    parsed integer not null,
    parse_error text,
    -- JSON array of the disagreements between the document's acts (plain words).
    mismatches text not null default '[]',
    -- applied | quarantined (signature or mismatches) | unmatched | rejected (an act did not
    -- fit the case) | imported (unsigned import: read, never applied)
    status text not null,
    status_detail text,
    constraint court_documents_external_id_key unique (external_id)
);

create table case_transitions (
    id integer primary key autoincrement,
    case_id integer not null references cases (id),
    from_state text,
    to_state text not null,
    -- The event in words, and its serde JSON.
    event text not null,
    event_json text not null,
    reason text not null,
    -- receipt | document | fee_payment
    source_kind text not null,
    -- The receipt id, the payment id, …
    source_ref text,
    document_id integer references court_documents (id),
    at text not null
);
create index case_transitions_case_idx on case_transitions (case_id, id);
create index case_transitions_document_idx on case_transitions (document_id);

create table case_deadlines (
    id integer primary key autoincrement,
    case_id integer not null references cases (id),
    transition_id integer not null references case_transitions (id),
    rule text not null,
    who text not null,
    what text not null,
    due text not null,
    citation text not null,
    status text not null check (status in ('open', 'done')),
    created_at text not null
);
create index case_deadlines_open_idx on case_deadlines (case_id, status, due);

create table fee_payments (
    id integer primary key autoincrement,
    reference text not null,
    amount text not null,
    paid_on text not null,
    case_id integer references cases (id),
    recorded_at text not null
);
create index fee_payments_reference_idx on fee_payments (reference);
