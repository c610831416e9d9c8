//! `fairdraw audit verify`, run as an operator would on the configured database (SQLite, and
//! PostgreSQL when `FAIRDRAW_TEST_POSTGRES_URL` is set): an intact chain exits 0; after a row is
//! edited with SQL it exits non-zero and names the first broken link.

mod support;

use fairdraw_store::Db;
use fairdraw_testkit::{POSTGRES_ENV, PostgresDatabase, env_url};
use serde_json::Value;
use std::process::Output;

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    support::fairdraw(args, env).output().expect("run the fairdraw binary")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

async fn tampered_rows_are_named(postgres: bool) {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap().to_owned();
    let pg = match postgres {
        true => Some(PostgresDatabase::create(&env_url(POSTGRES_ENV).expect("PG URL")).await),
        false => None,
    };
    let url = match &pg {
        Some(pg) => pg.url.clone(),
        None => format!("sqlite://{data_dir}/fairdraw.db"),
    };
    let mut env = vec![("FAIRDRAW_DATA_DIR", data_dir.as_str())];
    if let Some(pg) = &pg {
        env.push(("FAIRDRAW_DATABASE_URL", pg.url.as_str()));
    }
    assert!(run(&["migrate"], &env).status.success());
    let out = run(&["audit", "verify"], &env);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).contains("no audit entries yet"));

    let account = support::create_account(&env, "Audited", 1_000, 100);
    let brand = account["website_id"].as_i64().expect("website_id").to_string();
    // Keys made and revoked by an operator are administrative changes: three entries.
    let mut ids = Vec::new();
    for _ in 0..2 {
        let out = run(&["keys", "create", "--brand", &brand, "--json"], &env);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let key: Value = serde_json::from_slice(&out.stdout).unwrap();
        ids.push(key["id"].as_i64().unwrap().to_string());
    }
    assert!(run(&["keys", "revoke", &ids[0]], &env).status.success());
    let out = run(&["audit", "verify"], &env);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(
        stdout(&out).contains(&format!("brand {brand}: ok, 3 entries, head 3 ")),
        "{}",
        stdout(&out)
    );

    // An edit of entry 2 by hand: named, exit code 1.
    let db = Db::connect(&url).await.unwrap();
    sqlx::query("UPDATE audit_log SET action = 'key.revoked' WHERE brand_id = $1 AND seq = 2")
        .bind(brand.parse::<i64>().unwrap())
        .execute(db.writer())
        .await
        .unwrap();
    let out = run(&["audit", "verify"], &env);
    assert!(!out.status.success());
    assert!(
        stdout(&out).contains(&format!("brand {brand}: BROKEN at entry 2: stored hash is")),
        "{}",
        stdout(&out)
    );
    let out = run(&["audit", "verify", "--json"], &env);
    assert!(!out.status.success());
    let line: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["ok"], false);
    assert_eq!(line["broken"]["seq"], 2);
    db.close().await;
    if let Some(pg) = pg {
        pg.drop_now().await;
    }
}

#[tokio::test]
async fn audit_verify_names_an_edited_row_on_sqlite() {
    tampered_rows_are_named(false).await;
}

#[tokio::test]
async fn audit_verify_names_an_edited_row_on_postgres() {
    if env_url(POSTGRES_ENV).is_none() {
        eprintln!("{POSTGRES_ENV} is not set: skipped");
        return;
    }
    tampered_rows_are_named(true).await;
}
