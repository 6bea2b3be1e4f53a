//! What must hold when things go wrong: a tampered or cut audit log is found; a killed import
//! leaves nothing half-written; every acknowledged write survives a kill.

use std::process::{Command, Stdio};
use std::time::Duration;

use sqlx::Connection;

use crate::support::*;

fn zhenxing(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_zhenxing"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[tokio::test]
async fn audit_verify_finds_a_changed_entry_and_a_cut_tail() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db").to_string_lossy().to_string();
    ok(&zhenxing(&["init", "--db", &db]));
    for name in ["wang", "li", "zhao"] {
        ok(&zhenxing(&[
            "user",
            "add",
            "--db",
            &db,
            "--name",
            name,
            "--role",
            "county_officer",
            "--area",
            "620102",
        ]));
    }
    let out = ok(&zhenxing(&["audit", "verify", "--db", &db]));
    assert!(out.contains("审计日志完整"), "{out}");
    let entries: i64 = {
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{db}"))
            .await
            .unwrap();
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
            .fetch_one(&mut c)
            .await
            .unwrap()
    };
    assert!(entries >= 3, "every user added is audited ({entries})");

    // Someone with the database file removes the guard and rewrites an entry.
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{db}"))
        .await
        .unwrap();
    sqlx::query("DROP TRIGGER audit_log_no_update")
        .execute(&mut c)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET actor = '无名氏' WHERE seq = 2")
        .execute(&mut c)
        .await
        .unwrap();
    drop(c);
    let out = zhenxing(&["audit", "verify", "--db", &db]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("第2条被改动或删除"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Put it back, then cut the last entry off: the head still names it.
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{db}"))
        .await
        .unwrap();
    let actor: String = sqlx::query_scalar("SELECT actor FROM audit_log WHERE seq = 1")
        .fetch_one(&mut c)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET actor = $1 WHERE seq = 2")
        .bind(actor)
        .execute(&mut c)
        .await
        .unwrap();
    drop(c);
    assert!(
        zhenxing(&["audit", "verify", "--db", &db]).status.success(),
        "restored"
    );
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{db}"))
        .await
        .unwrap();
    sqlx::query("DROP TRIGGER audit_log_no_delete")
        .execute(&mut c)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)")
        .execute(&mut c)
        .await
        .unwrap();
    drop(c);
    let out = zhenxing(&["audit", "verify", "--db", &db]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("末尾被截去"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A ledger of `n` households (one member each) in one county; ID numbers start at `first`.
fn ledger(dir: &std::path::Path, n: usize, prefix: &str, first: usize) -> (String, String) {
    let mut h = vec![];
    let mut m = vec![];
    for i in 0..n {
        h.push(format!(
            "{prefix}{i:06},620102010201,户主{i},1,9000,否,,,,否,"
        ));
        let k = first + i;
        let birth = format!("19{:02}01{:02}", 40 + (k / 14_000) % 60, 1 + (k / 500) % 28);
        m.push(format!(
            "{i},{prefix}{i:06},{},户主{i},,,户主,健康",
            id("620102", &birth, (k % 500) as u32 * 2 + 1)
        ));
    }
    let hp = dir.join(format!("{prefix}h.csv"));
    let mp = dir.join(format!("{prefix}m.csv"));
    std::fs::write(
        &hp,
        csv(H_HEADER, &h.iter().map(String::as_str).collect::<Vec<_>>()),
    )
    .unwrap();
    std::fs::write(
        &mp,
        csv(M_HEADER, &m.iter().map(String::as_str).collect::<Vec<_>>()),
    )
    .unwrap();
    (
        hp.to_string_lossy().to_string(),
        mp.to_string_lossy().to_string(),
    )
}

async fn households(db: &str) -> u64 {
    let app = zhenxing_app::App::open(db).await.unwrap();
    let n = app
        .store()
        .village_figures(
            zhenxing_domain::Scope::All,
            zhenxing_domain::today_in_china(),
        )
        .await
        .unwrap()
        .iter()
        .map(|(_, c)| c.households)
        .sum();
    app.store().check_integrity().await.unwrap();
    // Closed, not just dropped: a dropped pool's connections end their transactions only when
    // the runtime next runs, and the caller may block on an import (whose first load drops
    // indexes on PostgreSQL, waiting for every reader of the tables) before it does.
    app.close().await;
    n
}

/// Kills an import at several points (SIGKILL: no clean-up runs) and checks after each that the
/// database is intact and holds all of the import or none of it.
pub async fn killed_imports_leave_all_or_nothing(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    ok(&zhenxing(&["init", "--db", db]));
    let (h, m) = ledger(dir.path(), 20_000, "K", 0);
    let mut delays_ms = vec![50u64, 300, 800, 1500, 2500, 4000];
    // A seed from the clock varies the points between runs; it is printed to replay a failure.
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    eprintln!("kill points seed {seed}");
    for (i, d) in delays_ms.iter_mut().enumerate() {
        *d += (seed.wrapping_mul(2654435761).wrapping_add(i as u64 * 97)) % 400;
    }
    let mut completed = false;
    let mut interrupted = 0;
    for delay in delays_ms {
        let mut child = Command::new(env!("CARGO_BIN_EXE_zhenxing"))
            .args(["import", "--db", db, "--households", &h, "--members", &m])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(delay)).await;
        let finished = child.try_wait().unwrap().is_some();
        if !finished {
            interrupted += 1;
        }
        let _ = child.kill();
        let _ = child.wait();
        let n = households(db).await;
        assert!(
            n == 0 || n == 20_000,
            "after a kill at {delay} ms the import is half there: {n} households"
        );
        if n == 20_000 {
            completed = true;
            break;
        }
    }
    assert!(
        interrupted > 0,
        "no kill landed during an import: the test proved nothing"
    );
    // Whatever the kills did, the import can be run to the end and the figures agree.
    if !completed {
        ok(&zhenxing(&[
            "import",
            "--db",
            db,
            "--households",
            &h,
            "--members",
            &m,
        ]));
    }
    assert_eq!(households(db).await, 20_000);
    let out = ok(&zhenxing(&["stats", "--db", db, "--check"]));
    assert!(out.contains("一致"), "{out}");
}

/// Three writers at once, each importing one household at a time and counting what the command
/// acknowledged (it returns after the commit); all are killed at a random point; every
/// acknowledged household must be there, and at most one more per writer (killed after its
/// commit, before it could say so).
pub async fn acknowledged_writes_survive_a_kill(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    ok(&zhenxing(&["init", "--db", db]));
    let deadline =
        std::time::Instant::now() + Duration::from_millis(2000 + (std::process::id() as u64 % 900));
    let writer = |w: usize| {
        let files: Vec<(String, String)> = (0..60)
            .map(|i| ledger(dir.path(), 1, &format!("W{w}{i:03}"), w * 1000 + i))
            .collect();
        let db = db.to_string();
        async move {
            let mut acknowledged = 0;
            for (h, m) in &files {
                let mut child = Command::new(env!("CARGO_BIN_EXE_zhenxing"))
                    .args(["import", "--db", &db, "--households", h, "--members", m])
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap();
                loop {
                    if let Some(status) = child.try_wait().unwrap() {
                        if !status.success() {
                            let mut err = String::new();
                            use std::io::Read;
                            let _ = child.stderr.take().unwrap().read_to_string(&mut err);
                            panic!("writer {w}: import {h} failed ({status}): {err}");
                        }
                        acknowledged += 1;
                        break;
                    }
                    if std::time::Instant::now() > deadline {
                        let _ = child.kill();
                        let _ = child.wait();
                        return acknowledged;
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            }
            acknowledged
        }
    };
    let (a, b, c) = tokio::join!(writer(1), writer(2), writer(3));
    let acknowledged = a + b + c;
    let n = households(db).await;
    assert!(
        acknowledged > 0,
        "no write was acknowledged before the kill"
    );
    assert!(
        n >= acknowledged && n <= acknowledged + 3,
        "{acknowledged} acknowledged, {n} present"
    );
    // The writers refreshed the same areas' figures at once; none may have missed another's rows.
    let out = ok(&zhenxing(&["stats", "--db", db, "--check"]));
    assert!(out.contains("一致"), "{out}");
}

#[tokio::test]
async fn killed_imports_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    killed_imports_leave_all_or_nothing(&dir.path().join("k.db").to_string_lossy()).await;
}

#[tokio::test]
async fn acknowledged_writes_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    acknowledged_writes_survive_a_kill(&dir.path().join("w.db").to_string_lossy()).await;
}

#[tokio::test]
async fn killed_imports_on_postgres() {
    let Some(base) = crate::story::postgres_url() else {
        return;
    };
    killed_imports_leave_all_or_nothing(&crate::story::fresh_postgres(&base).await).await;
}

#[tokio::test]
async fn acknowledged_writes_on_postgres() {
    let Some(base) = crate::story::postgres_url() else {
        return;
    };
    acknowledged_writes_survive_a_kill(&crate::story::fresh_postgres(&base).await).await;
}

/// A full disk in the middle of an import, on a small file system of its own
/// (`ZHENXING_TEST_SMALL_DISK`: a directory on one, which `.ci/run` mounts as an 8 MiB tmpfs;
/// skipped without it): the import fails as a full disk and writes nothing, and the same `App` —
/// the same single writer connection — imports the next ledger. Before, the first load's
/// failure left the writer refusing every later transaction until the process restarted; this
/// goes through a first load and an ordinary import, each failing once.
#[tokio::test]
async fn a_full_disk_fails_an_import_and_the_next_one_writes() {
    let Ok(small) = std::env::var("ZHENXING_TEST_SMALL_DISK") else {
        eprintln!("ZHENXING_TEST_SMALL_DISK is not set: skipped");
        return;
    };
    let files = tempfile::tempdir().unwrap();
    let ledger = |name: &str, households: &str, seed: &str, county: &str| {
        let out = files.path().join(name);
        ok(&zhenxing(&[
            "generate",
            "--out",
            out.to_str().unwrap(),
            "--households",
            households,
            "--seed",
            seed,
            "--area",
            county,
        ]));
        (out.join("households.csv"), out.join("members.csv"))
    };
    let big = ledger("big", "15000", "3", "620102000000");
    let small_a = ledger("a", "50", "4", "620102000000");
    let small_b = ledger("b", "40", "5", "620103000000");

    let db = std::path::Path::new(&small).join("full.db");
    let db = db.to_str().unwrap();
    let app = zhenxing_app::App::open(db).await.unwrap();
    app.load_divisions(None, None).await.unwrap();
    let req =
        |(h, m): &(std::path::PathBuf, std::path::PathBuf)| zhenxing_app::import::ImportRequest {
            households: Some(h.clone()),
            members: Some(m.clone()),
            actor: zhenxing_store::Actor {
                user_id: None,
                name: "测试".into(),
            },
            scope: zhenxing_domain::Scope::All,
        };
    let full = |r: Result<_, zhenxing_app::AppError>| match r {
        Err(zhenxing_app::AppError::Store(zhenxing_store::StoreError::DiskFull)) => {}
        Err(e) => panic!("not told as a full disk: {e:?}"),
        Ok(_) => panic!("the big ledger fitted: make the disk smaller"),
    };

    // A first load that fills the disk, then one that fits; then an ordinary import that fills
    // it, then one that fits.
    for (fits, inserted, registered) in [(&small_a, 50, 50), (&small_b, 40, 90)] {
        full(app.import(&req(&big), &zhenxing_app::NoProgress).await);
        assert_eq!(households(db).await, registered - inserted);
        let done = app
            .import(&req(fits), &zhenxing_app::NoProgress)
            .await
            .unwrap();
        assert_eq!(done.counts.households_inserted, inserted);
        assert_eq!(households(db).await, registered);
    }
    app.store().check_integrity().await.unwrap();
}
