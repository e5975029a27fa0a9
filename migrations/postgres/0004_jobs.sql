-- Tracker plumbing: the lease-based job queue, alerts, and per-source health (design.md §6).
-- Timestamps are timestamptz, always bound from Rust (never now() in SQL).

create table jobs (
    id bigint generated always as identity primary key,
    kind text not null,
    payload text not null,
    -- Unique among live (queued/running) jobs only, see jobs_dedup_key_live_key: a done or dead
    -- job does not block enqueueing the same key again.
    dedup_key text,
    priority integer not null default 0,
    run_at timestamptz not null,
    -- Times the job has been claimed (incremented by the claim, not by a failure).
    attempts integer not null default 0,
    max_attempts integer not null check (max_attempts > 0),
    locked_until timestamptz,
    locked_by text,
    last_error text,
    status text not null default 'queued'
        check (status in ('queued', 'running', 'done', 'dead')),
    created_at timestamptz not null,
    finished_at timestamptz
);
-- Claiming filters by status first, so finished rows never enter the scan.
create index jobs_claim_idx on jobs (status, priority desc, run_at, id);
create unique index jobs_dedup_key_live_key on jobs (dedup_key)
    where status in ('queued', 'running');

create table alerts (
    id bigint generated always as identity primary key,
    at timestamptz not null,
    source text not null,
    severity text not null check (severity in ('info', 'warning', 'error')),
    message text not null,
    acknowledged_at timestamptz
);
create index alerts_open_idx on alerts (acknowledged_at, id);

create table source_health (
    source text primary key,
    expected_cadence_secs bigint not null check (expected_cadence_secs > 0),
    -- When the source was first registered: silence of a source that never succeeded is
    -- measured from here.
    registered_at timestamptz not null,
    last_success_at timestamptz,
    last_change_at timestamptz,
    last_error text,
    last_error_at timestamptz,
    -- When the current silence was alerted (so it is alerted once, not at every check).
    silence_alerted_at timestamptz
);
