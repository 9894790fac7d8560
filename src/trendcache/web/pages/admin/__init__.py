"""The admin page (`/admin`): sync now or pause background syncs, settle MusicBrainz reviews,
see recent syncs, the budget, alerts and the audit log. For admins only (`trendcache users
create NAME --admin`); every form carries the CSRF token and every action is audited."""
