-- Killboard schema, part 4: EVE SSO users and the state the workers keep between runs.

CREATE TABLE users (
    id                         integer     GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    character_id               integer     NOT NULL UNIQUE,
    character_name             text        NOT NULL,
    -- Changes when the character is transferred to another EVE account: the old tokens are void.
    character_owner_hash       text        NOT NULL,
    corporation_id             integer,
    -- The GraphQL User.email (EVE SSO supplies none; the API answers '' for NULL).
    email                      text        UNIQUE,
    -- SSO tokens, encrypted by the application before they reach the database (the key comes from
    -- the environment and never from here). The bytes carry the application's own envelope
    -- (key id, nonce, ciphertext, tag); the database never sees a token in clear.
    access_token_encrypted     bytea       NOT NULL CHECK (octet_length(access_token_encrypted) > 0),
    refresh_token_encrypted    bytea       CHECK (octet_length(refresh_token_encrypted) > 0),
    token_expires_at           timestamptz NOT NULL,
    scopes                     text[]      NOT NULL DEFAULT '{}',
    -- Incremental killmail sync: the newest killmail already read with this user's token, and when.
    last_killmail_id           integer,
    last_killmail_sync_at      timestamptz,
    last_corp_killmail_id      integer,
    last_corp_killmail_sync_at timestamptz,
    last_login_at              timestamptz,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    updated_at                 timestamptz NOT NULL DEFAULT now()
);
-- queue-user-esi-killmails / queue-corporation-esi-killmails: users with a refresh token whose
-- last sync is oldest (never-synced first).
CREATE INDEX users_killmail_sync_idx ON users (last_killmail_sync_at NULLS FIRST)
    WHERE refresh_token_encrypted IS NOT NULL;
CREATE INDEX users_corp_killmail_sync_idx ON users (last_corp_killmail_sync_at NULLS FIRST)
    WHERE refresh_token_encrypted IS NOT NULL AND corporation_id IS NOT NULL;
CREATE INDEX users_corporation_idx ON users (corporation_id) WHERE corporation_id IS NOT NULL;
CREATE TRIGGER users_updated_at BEFORE UPDATE ON users
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- Position in a sequential feed. R2Z2 ('r2z2'): the last sequence whose killmail is stored.
-- Advance it in the same transaction as the killmail insert, monotonically:
--   INSERT ... ON CONFLICT (feed) DO UPDATE SET last_sequence = greatest(feed_state.last_sequence, EXCLUDED.last_sequence)
-- so a restart resumes at last_sequence + 1 and never skips or re-applies a killmail.
CREATE TABLE feed_state (
    feed          text        PRIMARY KEY CHECK (feed <> ''),
    last_sequence bigint      NOT NULL CHECK (last_sequence >= 0),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Resumable jobs that walk a paged or chunked source for one subject, e.g.
--   ('zkillboard_character', '<character id>')   position = next page to read
--   ('zkillboard_corporation', '<corporation id>'), ('zkillboard_alliance', '<alliance id>')
--   ('archive_import', '<archive file name>')       position = entries already imported
-- Like feed_state, update the cursor in the transaction that stores what it covers.
CREATE TABLE sync_cursors (
    cursor_kind      text        NOT NULL CHECK (cursor_kind <> ''),
    subject          text        NOT NULL CHECK (subject <> '' AND length(subject) <= 1024),
    position         bigint      NOT NULL DEFAULT 0 CHECK (position >= 0),
    last_killmail_id integer,
    completed_at     timestamptz,
    detail           jsonb       NOT NULL DEFAULT '{}',
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cursor_kind, subject)
);
CREATE TRIGGER sync_cursors_updated_at BEFORE UPDATE ON sync_cursors
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION set_updated_at();

-- ESI cache validators, per request path (e.g. '/latest/characters/90000001/').
-- They live here, not in Redis, because an ETag is only a promise about data we actually stored:
-- write the validator in the same transaction as the row built from that response, and a later
-- 304 Not Modified can safely skip the write. expires_at lets producers skip entities whose
-- cached copy is still fresh (ESI's Expires header).
CREATE TABLE esi_cache_validators (
    request_path  text        PRIMARY KEY CHECK (request_path LIKE '/%' AND length(request_path) <= 1024),
    etag          text,
    last_modified timestamptz,
    expires_at    timestamptz,
    checked_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX esi_cache_validators_expires_idx ON esi_cache_validators (expires_at);
