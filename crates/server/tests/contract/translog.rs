//! The transparency log: every signed draw is appended; the tree head is signed; inclusion and
//! consistency proofs check out with the RFC 9162 algorithms of `fairdraw_core::translog`; a
//! certificate carries its place in the log; a rewritten leaf breaks consistency with a head
//! kept from before.

use crate::pages::drawn;
use crate::scenarios;
use crate::support::{Method, TestApp};
use fairdraw_core::draw::{Certificate, Hash32};
use fairdraw_core::translog::{TreeHead, leaf_hash, verify_consistency, verify_inclusion};
use serde_json::Value;

scenarios!(
    every_draw_is_logged_and_proved,
    a_rewritten_log_is_not_consistent_with_a_kept_head,
    log_requests_are_checked
);

async fn head(app: &TestApp) -> TreeHead {
    let r = app.call(Method::GET, "/v1/log/tree-head", None, None).await;
    r.expect(200);
    let head: TreeHead = serde_json::from_value(r.body.clone()).expect("a tree head");
    assert!(head.signature_ok(), "the head is signed: {}", r.text);
    head
}

fn hashes(v: &Value) -> Vec<Hash32> {
    v.as_array()
        .expect("a list of hashes")
        .iter()
        .map(|h| Hash32::from_hex(h.as_str().unwrap()).unwrap())
        .collect()
}

async fn every_draw_is_logged_and_proved(app: TestApp) {
    let empty = head(&app).await;
    assert_eq!(empty.tree_size, 0);
    let first = drawn(&app).await;
    let kept = head(&app).await;
    assert_eq!(kept.tree_size, 1);
    let second = drawn(&app).await;
    let now = head(&app).await;
    assert_eq!(now.tree_size, 2);
    // The key is the instance's draw-signing key.
    let key = app.call(Method::GET, "/v1/verify/key", None, None).await;
    assert_eq!(key.body["public_key"], now.public_key.to_hex());

    // Both draws are entries, in the order they were made.
    let e = app.call(Method::GET, "/v1/log/entries", None, None).await;
    e.expect(200);
    let entries = e.body["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["result_hash"], first.hash.as_str());
    assert_eq!(entries[0]["draw_id"], first.draw_id.as_str());
    assert_eq!(entries[1]["result_hash"], second.hash.as_str());
    assert_eq!(entries[1]["log_index"], 1);
    assert_eq!(
        entries[1]["verify_url"],
        format!("https://fairdraw.test/verify/{}", second.hash).as_str()
    );

    // The first draw's inclusion, in the log now and in the log of one entry.
    for (size, root) in [(2, now.root_hash), (1, kept.root_hash)] {
        let r = app
            .call(
                Method::GET,
                &format!("/v1/log/proof/inclusion?hash={}&tree_size={size}", first.hash),
                None,
                None,
            )
            .await;
        r.expect(200);
        let leaf = leaf_hash(&Hash32::from_hex(&first.hash).unwrap());
        assert_eq!(r.body["leaf_hash"], leaf.to_hex().as_str());
        assert_eq!(r.body["log_index"], 0);
        assert_eq!(r.body["tree_head"]["tree_size"], size);
        assert_eq!(r.body["tree_head"]["root_hash"], root.to_hex().as_str());
        let proof = hashes(&r.body["inclusion_proof"]);
        assert!(verify_inclusion(&leaf, 0, size, &proof, &root), "{}", r.text);
        assert!(!verify_inclusion(&leaf, 1, size.max(2), &proof, &root));
    }

    // The head kept after the first draw is a prefix of today's.
    let c = app
        .call(Method::GET, "/v1/log/proof/consistency?first=1&second=2", None, None)
        .await;
    c.expect(200);
    let proof = hashes(&c.body["consistency_proof"]);
    assert!(
        verify_consistency(1, 2, &kept.root_hash, &now.root_hash, &proof),
        "{}",
        c.text
    );
    // `second` defaults to the log now.
    let c2 = app
        .call(Method::GET, "/v1/log/proof/consistency?first=1", None, None)
        .await;
    assert_eq!(c2.body, c.body);

    // The certificate carries its place in the log, signed by the certificate's own key.
    let cert = app
        .call(Method::GET, &format!("/v1/verify/{}", second.hash), None, None)
        .await;
    cert.expect(200);
    let cert: Certificate = serde_json::from_value(cert.body.clone()).unwrap();
    let log = cert.log.clone().expect("the certificate has its log entry");
    assert_eq!((log.log_index, log.tree_size), (1, 2));
    log.check(&cert.result_hash, cert.public_key.unwrap())
        .expect("the certificate's log entry checks out");
}

async fn a_rewritten_log_is_not_consistent_with_a_kept_head(app: TestApp) {
    let first = drawn(&app).await;
    let kept = head(&app).await;
    drawn(&app).await;
    // Someone with database access swaps the first draw for another afterwards.
    sqlx::query("UPDATE translog_leaves SET result_hash = $1 WHERE idx = 0")
        .bind("ab".repeat(32))
        .execute(app.engine.db().writer())
        .await
        .unwrap();
    let now = head(&app).await;
    let c = app
        .call(Method::GET, "/v1/log/proof/consistency?first=1&second=2", None, None)
        .await;
    c.expect(200);
    let proof = hashes(&c.body["consistency_proof"]);
    assert!(!verify_consistency(1, 2, &kept.root_hash, &now.root_hash, &proof));
    assert_ne!(c.body["first_root"], kept.root_hash.to_hex().as_str());
    // And the genuine first draw is no longer in the log it serves.
    let r = app
        .call(
            Method::GET,
            &format!("/v1/log/proof/inclusion?hash={}", first.hash),
            None,
            None,
        )
        .await;
    r.expect(404);
}

async fn log_requests_are_checked(app: TestApp) {
    let d = drawn(&app).await;
    for (path, status) in [
        (format!("/v1/log/proof/inclusion?hash={}&tree_size=5", d.hash), 400),
        (format!("/v1/log/proof/inclusion?hash={}", "c".repeat(64)), 404),
        ("/v1/log/proof/inclusion?hash=xyz".to_owned(), 400),
        ("/v1/log/proof/inclusion".to_owned(), 400),
        ("/v1/log/proof/consistency?first=0&second=1".to_owned(), 400),
        ("/v1/log/proof/consistency?first=2&second=1".to_owned(), 400),
        ("/v1/log/proof/consistency?first=1&second=9".to_owned(), 400),
        ("/v1/log/proof/consistency?first=-1".to_owned(), 400),
        ("/v1/log/entries?start=x".to_owned(), 400),
    ] {
        let r = app.call(Method::GET, &path, None, None).await;
        assert_eq!(r.status, status, "{path}: {}", r.text);
        assert!(
            r.body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{path}: {}",
            r.text
        );
    }
    let r = app.call(Method::GET, "/v1/log/entries?start=1", None, None).await;
    r.expect(200);
    assert_eq!(r.body["entries"], serde_json::json!([]));
}
