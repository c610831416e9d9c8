//! `fairdraw jobs`, run as an operator would: a failed job shows up, and `retry` queues it again.

use fairdraw_store::Db;
use fairdraw_store::jobs::NewJob;
use serde_json::Value;
use std::process::{Command, Output};

fn fairdraw(data_dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fairdraw"))
        .args(args)
        .env("FAIRDRAW_DATA_DIR", data_dir)
        .env_remove("FAIRDRAW_DATABASE_URL")
        .output()
        .expect("run the fairdraw binary")
}

fn json(o: &Output) -> Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

#[tokio::test]
async fn failed_jobs_are_listed_and_retried() {
    let dir = tempfile::tempdir().unwrap();
    assert!(fairdraw(dir.path(), &["migrate"]).status.success());
    let db = Db::connect(&format!("sqlite://{}", dir.path().join("fairdraw.db").display()))
        .await
        .unwrap();
    let now = fairdraw_store::db::now_millis();
    db.enqueue(
        &NewJob::new("email.winner", serde_json::json!({"email": "someone@example.com"})),
        now,
    )
    .await
    .unwrap();
    let claimed = db.claim_jobs("test", now, 60_000, 1).await.unwrap();
    db.fail_job(claimed[0].id, "test", "550 mailbox unavailable", None, now)
        .await
        .unwrap();

    let stats = json(&fairdraw(dir.path(), &["jobs", "stats", "--json"]));
    assert_eq!(stats["failed"], 1);
    let out = fairdraw(dir.path(), &["jobs", "list", "--state", "failed", "--json"]);
    let listed = json(&out);
    assert_eq!(listed[0]["id"], claimed[0].id);
    assert_eq!(listed[0]["last_error"], "550 mailbox unavailable");
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("someone@example.com"),
        "payloads are never printed"
    );
    assert!(
        !fairdraw(dir.path(), &["jobs", "list", "--state", "broken"])
            .status
            .success()
    );
    assert!(
        !fairdraw(dir.path(), &["jobs", "retry"]).status.success(),
        "ids or --all required"
    );

    let out = fairdraw(dir.path(), &["jobs", "retry", "--all"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 failed job(s) queued again"));
    assert_eq!(db.job(claimed[0].id).await.unwrap().state, "pending");
    db.close().await;
}
