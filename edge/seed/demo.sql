-- Demo data for local development: the "demo" channel (Tokyo time), its owner with
-- the API token `kz_demo_owner_token` (only its SHA-256 is stored) who signs in to the
-- console as owner@demo.kizuna.invalid with the password `demo-owner-password`, and one running
-- automated campaign: a bubble on product pages, which the shop's script may also show
-- with `Kizuna('showCampaign', 'c_tea_bubble')` (onDemand). Idempotent: run it as often
-- as you like.

INSERT OR IGNORE INTO channels (id, name, utc_offset_minutes, created_at)
VALUES ('demo', 'Kizuna Demo Shop', 540, 1795000000000);

INSERT OR IGNORE INTO members (id, email, name, created_at)
VALUES ('m_demo_owner', 'owner@demo.kizuna.invalid', 'Demo Owner', 1795000000000);

INSERT OR IGNORE INTO channel_members (channel_id, member_id, role)
VALUES ('demo', 'm_demo_owner', 'owner');

-- The demo owner's password, `demo-owner-password`: PBKDF2-SHA256, 100,000 iterations,
-- salt = the first 16 bytes of SHA-256("kizuna demo owner salt"), computed with
-- node -e "const c=require('crypto'); const s=c.createHash('sha256').update('kizuna demo owner salt').digest().subarray(0,16); console.log(s.toString('hex'), c.pbkdf2Sync('demo-owner-password', s, 100000, 32, 'sha256').toString('hex'))"
UPDATE members SET password_hash = 'cd943e411aa30b8a612ff7695020beb2c709db4c342e9189707f806d4f91ebcd',
  password_salt = 'df3cdab6aaa10da03120303dc74360d1', password_iterations = 100000
WHERE id = 'm_demo_owner' AND password_hash IS NULL;

INSERT OR IGNORE INTO api_tokens (token_hash, member_id, label, created_at)
VALUES ('45a486a7b9f6686b19c9f5b7050493662606b8baec600ad38c4e85b333bb03fa', 'm_demo_owner', 'demo owner token', 1795000000000);

INSERT OR IGNORE INTO campaigns (id, channel_id, name, state, priority, definition, created_at, updated_at)
VALUES ('c_tea_bubble', 'demo', 'Tea lovers: autumn sale bubble', 'running', 10,
  '{"id":"c_tea_bubble","name":"Tea lovers: autumn sale bubble","state":"running",
    "trigger":{"event":"PageView","urlContains":"/products/"},"onDemand":true,
    "message":{"sender":{"name":"Kizuna Tea Shop"},
               "text":"Autumn sale: 20% off every tea until Sunday.\nYour cup is waiting.",
               "buttons":[{"label":"See the sale","url":"/sale"}],
               "display":"bubble"},
    "goal":{"kind":"event","name":"CheckoutComplete"}}',
  1795000000000, 1795000000000);

-- The demo channel keeps Tokyo time by name (no daylight saving there).
-- The demo shop signs its visitors in without a server (the static site cannot compute a
-- memberHash), so the demo channel keeps identity verification off; new channels start
-- with it on (migration 0010).
UPDATE channels SET identity_verification = 0 WHERE id = 'demo' AND member_hash_secret IS NULL;
UPDATE channels SET time_zone = 'Asia/Tokyo' WHERE id = 'demo' AND time_zone IS NULL;
