//! The `zhenxing` command as an operator runs it: exit codes, reports, output formats.

use std::process::{Command, Output};

use crate::support::*;

fn zhenxing(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhenxing"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn import_exit_codes_and_the_error_report() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.db").to_string_lossy().to_string();
    let write = |name: &str, content: String| {
        let p = dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        p.to_string_lossy().to_string()
    };
    let init = zhenxing(&["init", "--db", &db]);
    assert!(init.status.success(), "{}", text(&init));
    assert!(text(&init).contains("载入区划 19224 个"));

    let good = write(
        "good.csv",
        csv(H_HEADER, &["9001,620102010201,王伟,1,9000,否,,,,否,"]),
    );
    let out = zhenxing(&["import", "--db", &db, "--households", &good]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let bad = write(
        "bad.csv",
        csv(
            H_HEADER,
            &[
                "9002,620102010201,李强,1,9000,否,,,,否,",
                "9003,999999999999,张三,1,9000,否,,,,否,",
            ],
        ),
    );
    let report = dir.path().join("errors.csv");
    let out = zhenxing(&[
        "import",
        "--db",
        &db,
        "--households",
        &bad,
        "--errors",
        &report.to_string_lossy(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("bad.csv 第3行 列“所在村代码”"),
        "{}",
        text(&out)
    );
    let written = std::fs::read_to_string(&report).unwrap();
    let written = written.trim_start_matches('\u{feff}');
    assert_eq!(
        written.lines().next(),
        Some("文件,工作表,行号,列,内容,原因,错误代码")
    );
    assert!(
        written
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("bad.csv,,3,所在村代码,999999999999,"),
        "{written}"
    );

    let junk = write("junk.csv", "a,b\n1,2\n".into());
    let out = zhenxing(&["import", "--db", &db, "--households", &junk]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("不是户信息台账"));

    let out = zhenxing(&[
        "stats", "--db", &db, "--area", "620102", "--depth", "county", "--format", "csv",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let mut lines = stdout.lines();
    // The first nine columns are stable for scripts; more follow.
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("code,name,level,households,persons,monitored_households,monitored_persons,eliminated_households,eliminated_persons,"),
        "{header}"
    );
    assert!(
        header.ends_with(",elimination_rate_households,elimination_rate_persons"),
        "{header}"
    );
    let row = lines.next().unwrap();
    assert!(
        row.starts_with("620102000000,城关区,3,2,0,0,0,0,0,"),
        "{row}"
    );
    assert_eq!(row.split(',').count(), header.split(',').count());

    let out = zhenxing(&[
        "stats",
        "--db",
        &db,
        "--area",
        "620102010201",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["households"], 2);
    assert_eq!(json[0]["name"], "红沟村民委员会");
}

#[test]
fn demo_builds_a_database_and_refuses_to_overwrite_a_real_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db").to_string_lossy().to_string();
    let out = zhenxing(&["demo", "--db", &db, "--households", "400"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("甘肃省"));
    // Run again: the demo database is rebuilt.
    let again = zhenxing(&["demo", "--db", &db, "--households", "400"]);
    assert!(again.status.success(), "{}", text(&again));
    let real = dir.path().join("real.db").to_string_lossy().to_string();
    assert!(zhenxing(&["init", "--db", &real]).status.success());
    let refused = zhenxing(&["demo", "--db", &real]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused).contains("不是演示数据库"));
}
