-- Every draw of one subject, public (`GET /v1/log/draws`, the verify page's "draw N of M"):
-- a /v1 post's draws by any account, and the owner of a stored draw, looked up by index.
CREATE INDEX comment_draws_source_key ON comment_draws (source_key);
CREATE INDEX comment_draws_draw ON comment_draws (draw_id);
CREATE INDEX chat_giveaways_draw ON chat_giveaways (draw_id);
