"""Alerts without Prometheus: the conditions of deploy/prometheus/alerts.yml, evaluated from
the tables by every serve and worker process, shown in `/api/status` and posted to
ALERT_WEBHOOK_URL once per start and end across all processes."""
