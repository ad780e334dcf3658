-- Accounts: users, organisations, memberships with roles, refresh tokens and
-- per-organisation API keys. Times are Unix milliseconds; ids are UUIDs.
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE organizations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE memberships (
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user ON memberships(user_id, created_at);

CREATE TABLE refresh_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    created_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    secret_sha256 TEXT NOT NULL,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX api_keys_org ON api_keys(org_id, created_at);

-- Resources, every row carrying its organisation.
CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX projects_org ON projects(org_id, created_at);

CREATE TABLE videos (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    object_key TEXT NOT NULL,
    state TEXT NOT NULL,
    sha256 TEXT,
    info TEXT,
    error_code TEXT,
    error_message TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX videos_project ON videos(project_id, created_at);
CREATE INDEX videos_org ON videos(org_id);

CREATE TABLE uploads (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    mode TEXT NOT NULL,
    object_key TEXT NOT NULL,
    video_id TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX uploads_org ON uploads(org_id);

-- The durable queue: one row per job, leased by a worker while it runs.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    video_id TEXT REFERENCES videos(id) ON DELETE CASCADE,
    parent_id TEXT,
    kind TEXT NOT NULL,
    params TEXT NOT NULL,
    chain_step BIGINT,
    queue TEXT NOT NULL DEFAULT 'default',
    state TEXT NOT NULL,
    control TEXT,
    progress DOUBLE PRECISION NOT NULL DEFAULT 0,
    stage TEXT,
    eta DOUBLE PRECISION,
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    run_at BIGINT NOT NULL,
    lease_owner TEXT,
    lease_expires BIGINT,
    error_code TEXT,
    error_message TEXT,
    result TEXT,
    created_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT
);
CREATE INDEX jobs_claim ON jobs(state, queue, run_at);
CREATE INDEX jobs_org ON jobs(org_id, created_at);
CREATE INDEX jobs_video ON jobs(video_id, created_at);
CREATE INDEX jobs_project ON jobs(project_id, created_at);

-- Every time a worker starts a job: who, when, how it ended.
CREATE TABLE job_runs (
    job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    run BIGINT NOT NULL,
    attempt BIGINT NOT NULL,
    worker TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT,
    outcome TEXT,
    PRIMARY KEY (job_id, run)
);

-- Files a job produced (or a client uploaded as a job input).
CREATE TABLE artifacts (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    job_id TEXT REFERENCES jobs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    object_key TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX artifacts_job_name ON artifacts(job_id, name);
CREATE INDEX artifacts_project ON artifacts(project_id, created_at);

-- State changes and throttled progress, in order, for SSE and WebSocket.
CREATE TABLE job_events (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id TEXT NOT NULL,
    job_id TEXT NOT NULL,
    event TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX job_events_job ON job_events(job_id, seq);
CREATE INDEX job_events_org ON job_events(org_id, seq);
