//! Operating a real `fairdraw serve` process: its JSON logs carry no personal data or secrets,
//! and `GET /metrics` (behind `FAIRDRAW_METRICS_TOKEN`) counts what the process did. One process
//! of its own, so the metrics are this test's alone.

mod support;

use serde_json::{Value, json};
use std::fs::File;

const TOKEN: &str = "metrics-token-3f9c1a";

struct Run {
    key: String,
    emails: Vec<&'static str>,
    names: Vec<&'static str>,
}

async fn act(http: &reqwest::Client, base: &str, key: &str) -> Run {
    let created: Value = http
        .post(format!("{base}/v2/giveaways"))
        .bearer_auth(key)
        .json(
            &json!({ "title": "Ops", "start_time": "2020-01-01 00:00:00", "end_time": "2099-12-31 23:59:59",
                        "time_zone": "UTC", "is_draft": false,
                        "rules_config": { "security_level": 1, "max_entries_per_user": 2 } }),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["data"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("giveaway: {created}"));
    let (email, name) = ("private.person@example.org", "Priscilla Private");
    for (amount, status) in [(1, 201), (1, 201), (1, 422)] {
        let r = http
            .post(format!("{base}/v2/giveaways/{id}/entries"))
            .bearer_auth(key)
            .json(&json!({ "user_email": email, "user_name": name, "entry_amount": amount }))
            .send()
            .await
            .unwrap();
        let status_seen = r.status().as_u16();
        let body = r.text().await.unwrap();
        assert!(
            status_seen == status || (status == 422 && (400..500).contains(&status_seen)),
            "entry: {status_seen} {body}"
        );
    }
    // The e-mail in a path and the key in a query string: neither may reach the logs.
    let r = http
        .get(format!(
            "{base}/v2/participants/private.person%40example.org/giveaways?api_key={key}"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let public_email = "public.entrant@example.net";
    let r = http
        .post(format!("{base}/api/public/giveaways/{id}/entries"))
        .json(&json!({ "name": "Petra Public", "email": public_email, "consent": true }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "public entry: {}", r.text().await.unwrap());
    Run {
        key: key.to_owned(),
        emails: vec![email, public_email],
        names: vec![name, "Petra Public"],
    }
}

/// The value of the first sample of `name` whose labels contain every one of `labels`.
fn sample(text: &str, name: &str, labels: &[&str]) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find(|l| {
            l.starts_with(name) && l[name.len()..].starts_with(['{', ' ']) && labels.iter().all(|want| l.contains(want))
        })
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[test]
fn json_logs_hold_no_personal_data_and_metrics_count_the_run() {
    fairdraw_server::app::install_tls_provider();
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap().to_owned();
    let env = [("FAIRDRAW_DATA_DIR", data_dir.as_str())];
    let account = support::create_account(&env, "Ops", 1_000_000, 100_000);
    let key = account["api_key"].as_str().unwrap().to_owned();
    let log_path = dir.path().join("server.log");
    let server = support::serve_with_logs(
        &[
            ("FAIRDRAW_DATA_DIR", data_dir.as_str()),
            ("FAIRDRAW_LOG_FORMAT", "json"),
            ("FAIRDRAW_METRICS_TOKEN", TOKEN),
            ("RUST_LOG", "debug,sqlx=info,hyper=info,h2=info,reqwest=info"),
        ],
        File::create(&log_path).unwrap(),
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (run, metrics) = rt.block_on(async {
        let http = reqwest::Client::new();
        let run = act(&http, &server.base, &key).await;
        let refused = http.get(format!("{}/metrics", server.base)).send().await.unwrap();
        assert_eq!(refused.status(), 401, "no token, no metrics");
        let wrong = http
            .get(format!("{}/metrics", server.base))
            .bearer_auth("metrics-token-3f9c1b")
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 401, "a wrong token, no metrics");
        let r = http
            .get(format!("{}/metrics", server.base))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/plain; version=0.0.4")
        );
        (run, r.text().await.unwrap())
    });
    let status = server.terminate();
    assert!(status.success(), "graceful exit: {status:?}");

    // The metrics: requests by route template and status, entries by outcome, the writer, the
    // queue, latency histograms.
    let entries_route = "route=\"/v2/giveaways/{id}/entries\"";
    assert_eq!(
        sample(
            &metrics,
            "fairdraw_http_requests_total",
            &[entries_route, "status=\"201\"", "surface=\"v2\"", "method=\"POST\""]
        ),
        Some(2.0),
        "{metrics}"
    );
    assert_eq!(
        sample(
            &metrics,
            "fairdraw_http_requests_total",
            &["route=\"/metrics\"", "status=\"401\""]
        ),
        Some(2.0),
        "{metrics}"
    );
    assert_eq!(
        sample(&metrics, "fairdraw_entries_accepted_total", &[]),
        Some(3.0),
        "two API entries and one public: {metrics}"
    );
    assert_eq!(
        sample(
            &metrics,
            "fairdraw_entries_refused_total",
            &["reason=\"max_entries_per_user\""]
        ),
        Some(1.0),
        "{metrics}"
    );
    assert!(
        sample(
            &metrics,
            "fairdraw_http_request_duration_seconds_bucket",
            &[entries_route, "le=\"+Inf\""]
        ) == Some(3.0),
        "{metrics}"
    );
    assert!(
        sample(&metrics, "fairdraw_entry_writer_batch_size_count", &[]).is_some_and(|n| n >= 3.0),
        "{metrics}"
    );
    assert!(
        sample(&metrics, "fairdraw_entry_writer_commit_seconds_count", &[]).is_some_and(|n| n >= 3.0),
        "{metrics}"
    );
    // The public entry queued its confirmation e-mail: the queue gauge names the kind.
    assert!(metrics.contains("fairdraw_jobs_pending{kind=\"email."), "{metrics}");
    for secret in run.emails.iter().chain(&run.names) {
        assert!(!metrics.contains(secret), "{secret} in the metrics");
    }

    // The logs: JSON lines, one per request at least, and nothing personal or secret.
    let logs = std::fs::read_to_string(&log_path).unwrap();
    let lines: Vec<&str> = logs.lines().filter(|l| !l.trim().is_empty()).collect();
    for line in &lines {
        let parsed: Result<Value, _> = serde_json::from_str(line);
        assert!(parsed.is_ok(), "not a JSON log line: {line}");
    }
    let finished = lines.iter().filter(|l| l.contains("request finished")).count();
    assert!(finished >= 6, "{finished} request lines in:\n{logs}");
    assert!(
        logs.contains("/v2/participants/{email}/giveaways"),
        "the route template is logged"
    );
    let encoded: Vec<String> = run.emails.iter().map(|e| e.replace('@', "%40")).collect();
    let forbidden = run
        .emails
        .iter()
        .copied()
        .chain(run.names.iter().copied())
        .chain(encoded.iter().map(String::as_str))
        .chain([run.key.as_str(), TOKEN, "private.person", "public.entrant"]);
    for needle in forbidden {
        assert!(!logs.contains(needle), "{needle:?} is in the logs:\n{logs}");
    }
}
