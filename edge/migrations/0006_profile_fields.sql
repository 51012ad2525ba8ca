-- A channel's profile fields (shared/src/fields.rs): one row per custom profile.* field,
-- and one per built-in profile field whose display name, position or visibility a
-- manager changed. A custom field's name and type never change once added.
CREATE TABLE profile_fields (
  channel_id TEXT NOT NULL,
  name TEXT NOT NULL,
  display_name TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('string', 'number', 'boolean', 'date', 'list')),
  built_in INTEGER NOT NULL DEFAULT 0 CHECK (built_in IN (0, 1)),
  write_once INTEGER NOT NULL DEFAULT 0 CHECK (write_once IN (0, 1)),
  visibility TEXT NOT NULL DEFAULT 'visible' CHECK (visibility IN ('visible', 'hidden', 'archived')),
  position INTEGER NOT NULL,
  PRIMARY KEY (channel_id, name)
);
