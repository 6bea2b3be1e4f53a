//! The `zhenxing` command as an operator runs it: exit codes, reports, output formats.

use std::process::{Command, Output};

use crate::support::*;

use crate::support::zhenxing;

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
    // The import had the file to itself (a rollback journal) and left it as a server expects
    // it: in WAL (header bytes 18 and 19 are 2), the journal gone.
    let header = std::fs::read(&db).unwrap();
    assert_eq!((header[18], header[19]), (2, 2));
    assert!(!std::path::Path::new(&format!("{db}-journal")).exists());

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
            // A tab before a long number: Excel opens the report with it whole.
            .starts_with("bad.csv,,3,所在村代码,\t999999999999,"),
        "{written}"
    );

    // The refused rows are kept with the import: listed, and written again later.
    assert!(
        text(&out).contains("第2次导入；错误明细随导入保存"),
        "{}",
        text(&out)
    );
    let out = zhenxing(&["imports", "--db", &db]);
    assert!(out.status.success(), "{}", text(&out));
    let listed = String::from_utf8_lossy(&out.stdout).to_string();
    let rows: Vec<Vec<&str>> = listed.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 3, "{listed}");
    assert_eq!(rows[1][0], "2", "newest first: {listed}");
    assert_eq!((rows[1][4], rows[1][9], rows[1][10]), ("bad.csv", "1", "1"));
    assert_eq!((rows[2][0], rows[2][9], rows[2][10]), ("1", "0", "0"));
    let again = dir.path().join("again.csv");
    let out = zhenxing(&[
        "imports",
        "--db",
        &db,
        "--import",
        "2",
        "--errors",
        &again.to_string_lossy(),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        std::fs::read_to_string(&again).unwrap(),
        std::fs::read_to_string(&report).unwrap(),
        "the same report as the import wrote"
    );
    let out = zhenxing(&[
        "imports",
        "--db",
        &db,
        "--import",
        "9",
        "--errors",
        &again.to_string_lossy(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));

    let junk = write("junk.csv", "a,b\n1,2\n".into());
    let out = zhenxing(&["import", "--db", &db, "--households", &junk]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(
        text(&out).matches("不是户信息台账").count(),
        1,
        "said once: {}",
        text(&out)
    );

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
        header.ends_with(
            ",elimination_rate_households,elimination_rate_persons,coverage_rate,approvals,median_days_to_approval,overdue_cases"
        ),
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
    // Nothing approved: no median (null, not 0); nothing late.
    assert_eq!(json[0]["approvals"], 0);
    assert!(json[0]["median_days_to_approval"].is_null());
    assert_eq!(json[0]["overdue_cases"], 0);
}

#[test]
fn demo_builds_a_database_and_refuses_to_overwrite_a_real_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db").to_string_lossy().to_string();
    let out = zhenxing(&["demo", "--db", &db, "--households", "400", "--no-serve"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("甘肃省"));
    assert!(text(&out).contains("演示账号"), "{}", text(&out));
    assert!(text(&out).contains("sheng") && text(&out).contains("省级管理员（甘肃省）"));
    // Monitoring work made through the use cases: cases in every stage, approvals, plans; the
    // kept figures agree with a recomputation.
    assert!(
        text(&out).contains("演示监测工作：识别案件 40 件"),
        "{}",
        text(&out)
    );
    // A department's medical file screened: new clues, the two strangers, the ID number under
    // another person's name and the mistyped ID number reported.
    let said = text(&out);
    let screened = said
        .lines()
        .find(|l| l.starts_with("演示部门筛查"))
        .unwrap_or_else(|| panic!("{said}"));
    let created: u64 = screened
        .split("新登记预警线索 ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{screened}"));
    assert!(created > 0, "{screened}");
    assert!(
        screened.contains("未匹配 3 行（其中姓名与登记不一致 1 行），无法读取 1 行"),
        "{screened}"
    );
    // Four households of the demo county given a ledger's slips, found by the registry check.
    let checked = said
        .lines()
        .find(|l| l.starts_with("演示户籍信息核查"))
        .unwrap_or_else(|| panic!("{said}"));
    assert!(
        checked.contains("4户有问题（户主姓名与成员信息不一致1户，家庭人口数与成员人数不一致1户，整户无劳动能力但有成员有劳动能力1户，户标记有成员未参保但成员均已参保1户"),
        "{checked}"
    );
    // A household closed, so that the list of those closed shows one.
    let closed = said
        .lines()
        .find(|l| l.starts_with("演示销户：户"))
        .unwrap_or_else(|| panic!("{said}"));
    assert!(closed.contains("（整户迁出，"), "{closed}");
    // The county's projects of 衔接资金: this year's at every stage, the rates said.
    let projects = said
        .lines()
        .find(|l| l.starts_with("演示衔接资金项目："))
        .unwrap_or_else(|| panic!("{said}"));
    assert!(
        projects.contains("衔接资金项目：计划34个（另有入库2个），已开工")
            && projects.contains("开工率"),
        "{projects}"
    );
    // The county's rural construction: this year's five tasks against their targets.
    let construction = said
        .lines()
        .find(|l| l.starts_with("演示") && l.contains("乡村建设："))
        .unwrap_or_else(|| panic!("{said}"));
    for task in [
        "村庄规划编制完成",
        "农村户厕改造完成",
        "目标1200户",
        "和美乡村示范村创建完成",
    ] {
        assert!(construction.contains(task), "{construction}");
    }
    let construction_json = zhenxing(&[
        "construction",
        "stats",
        "--db",
        &db,
        "--area",
        "620000",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&construction_json.stdout).unwrap();
    assert_eq!(json["tasks"][1]["figures"]["target"], 1200, "{json}");
    assert_eq!(json["tasks"][1]["figures"]["items"], 20, "{json}");
    // The county's work teams: ex-poor villages' first secretaries, the floor, the term.
    let teams = said
        .lines()
        .find(|l| l.starts_with("演示驻村工作队："))
        .unwrap_or_else(|| panic!("{said}"));
    assert!(
        teams.contains("在岗驻村干部") && teams.contains("已选派第一书记"),
        "{teams}"
    );
    let teams_json = zhenxing(&[
        "work-teams",
        "stats",
        "--db",
        &db,
        "--area",
        "620000",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&teams_json.stdout).unwrap();
    assert!(json["totals"]["members"].as_u64().unwrap() > 10, "{json}");
    assert!(
        json["totals"]["ex_poor_villages"].as_u64().unwrap() > 0,
        "{json}"
    );
    // The county's cooperation and paired assistance, the partners said to be the demo's.
    let cooperation = said
        .lines()
        .find(|l| l.starts_with("演示协作帮扶（帮扶方为演示名称）："))
        .unwrap_or_else(|| panic!("{said}"));
    assert!(
        cooperation.contains("东西部协作：财政援助资金计划3000万元、完成2400万元（80.00%）"),
        "{cooperation}"
    );
    // The labour of the demo's ex-poor households, counted in the database.
    let employment = zhenxing(&["employment", "--db", &db, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&employment.stdout).unwrap();
    let ex_poor = &json["totals"]["ex_poor"];
    assert!(ex_poor["labour"].as_u64().unwrap() > 0, "{json}");
    assert!(
        ex_poor["employed"].as_u64().unwrap() <= ex_poor["labour"].as_u64().unwrap(),
        "{json}"
    );
    // The demo county's target for the year, between 90 % and 115 % of those in work.
    let (counted, target) = (
        json["target"]["counted"].as_u64().unwrap(),
        json["target"]["target"].as_u64().unwrap(),
    );
    assert!(
        counted * 90 / 100 <= target && target <= counted * 115 / 100,
        "{json}"
    );
    assert!(said.contains("演示务工就业目标："), "{said}");
    // The province's policy in words and a county's news.
    assert!(said.contains("演示政策动态：2篇"), "{said}");
    // The village's cadre and team member checked in this month; a leave waits for the township.
    let attendance = said
        .lines()
        .find(|l| l.starts_with("演示驻村考勤：本月签到"))
        .unwrap_or_else(|| panic!("{said}"));
    assert!(attendance.contains("待审批的请假申请1件"), "{attendance}");
    // Each day at work has its work log (工作纪实), so the month's logs are not empty.
    let count = |after: &str, before: &str| -> u64 {
        let rest = &attendance[attendance.find(after).unwrap() + after.len()..];
        rest[..rest.find(before).unwrap()].parse().unwrap()
    };
    let (checkins, logs) = (count("本月签到", "人次"), count("工作纪实", "篇"));
    assert!(logs <= checkins, "{attendance}");
    assert!(checkins == 0 || logs > 0, "{attendance}");
    // The team member's account linked on the roster of the village.
    assert!(
        attendance.contains("花名册中关联签到账号1人"),
        "{attendance}"
    );
    // A demo list of key counties (said to be one), the demo county on it.
    let key = said
        .lines()
        .find(|l| l.starts_with("演示重点帮扶县名单（仅供演示"))
        .unwrap_or_else(|| panic!("{said}"));
    assert!(
        key.contains("（国家重点帮扶县）") && key.contains("（省级重点帮扶县）"),
        "{key}"
    );
    let key_json = zhenxing(&["key-counties", "--db", &db, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&key_json.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 4 + 2, "{json}");
    // The county's small loans (a few at this size).
    let loans = said
        .lines()
        .find(|l| l.starts_with("演示") && l.contains("小额信贷（截至"))
        .unwrap_or_else(|| panic!("{said}"));
    assert!(
        loans.contains("累计发放") && loans.contains("逾期"),
        "{loans}"
    );
    let loans_json = zhenxing(&["loans", "stats", "--db", &db, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&loans_json.stdout).unwrap();
    assert!(json["totals"]["loans"].as_u64().unwrap() > 0, "{json}");
    // Each loan under a product of the policy (富民贷 beside 小额信贷).
    let offered: Vec<&str> = json["rule"]["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(offered, ["脱贫人口小额信贷", "富民贷"]);
    let counted: u64 = json["by_product"]
        .as_array()
        .unwrap()
        .iter()
        .inspect(|p| assert!(offered.contains(&p[0].as_str().unwrap()), "{json}"))
        .map(|p| p[1]["loans"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, json["totals"]["loans"].as_u64().unwrap());
    let projects_json = zhenxing(&[
        "projects", "stats", "--db", &db, "--area", "620000", "--format", "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&projects_json.stdout).unwrap();
    assert_eq!(json["totals"]["planned"], 34, "{json}");
    assert!(json["totals"]["started"].as_u64().unwrap() > 0, "{json}");
    let stats = zhenxing(&[
        "stats", "--db", &db, "--depth", "province", "--format", "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    let p = &json[0];
    assert!(p["approvals"].as_u64().unwrap() > 0, "{p}");
    assert!(
        p["median_days_to_approval"].as_f64().unwrap() >= 11.0,
        "{p}"
    );
    assert!(p["overdue_cases"].as_u64().unwrap() > 0, "{p}");
    assert!(p["covered_households"].as_u64().unwrap() > 0, "{p}");
    let check = zhenxing(&["stats", "--db", &db, "--check"]);
    assert!(check.status.success(), "{}", text(&check));
    // Run again: the demo database is rebuilt.
    let again = zhenxing(&["demo", "--db", &db, "--households", "400", "--no-serve"]);
    assert!(again.status.success(), "{}", text(&again));
    let real = dir.path().join("real.db").to_string_lossy().to_string();
    assert!(zhenxing(&["init", "--db", &real]).status.success());
    let refused = zhenxing(&["demo", "--db", &real, "--no-serve"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused).contains("不是演示数据库"));
}

/// `GET path` over plain HTTP/1.0 (no client library needed): status line and body.
fn http_get(addr: &str, path: &str, token: Option<&str>) -> Option<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).ok()?;
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n{auth}\r\n").ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

fn zhenxing_with_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhenxing"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn users_tokens_and_the_server_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.db").to_string_lossy().to_string();
    assert!(zhenxing(&["init", "--db", &db]).status.success());
    let add = [
        "user",
        "add",
        "--db",
        &db,
        "--name",
        "wang",
        "--role",
        "county_admin",
        "--area",
        "620102",
    ];
    // The password from standard input: nothing printed.
    let out = zhenxing_with_stdin(&add, "secret-pass-1\n");
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("已新增用户 wang（县级管理员，城关区 620102000000）"));
    assert!(!text(&out).contains("初始密码"));
    // No password given: one is generated and printed.
    let out = zhenxing(&[
        "user", "add", "--db", &db, "--name", "li", "--role", "auditor", "--area", "62",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("初始密码："));
    let out = zhenxing(&[
        "user", "add", "--db", &db, "--name", "x", "--role", "root", "--area", "62",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("角色“root”无效"), "{}", text(&out));
    let out = zhenxing_with_stdin(&add, "secret-pass-1\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("已被使用"));

    let out = zhenxing(&["user", "token", "--db", &db, "--name", "wang"]);
    assert!(out.status.success(), "{}", text(&out));
    let token = String::from_utf8_lossy(&out.stdout)
        .lines()
        .find(|l| l.starts_with("zx_"))
        .unwrap()
        .to_string();

    // Serve on a free port; the token works until the user is disabled.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut server = Command::new(env!("CARGO_BIN_EXE_zhenxing"))
        .args(["serve", "--db", &db, "--listen", &addr])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut up = None;
    for _ in 0..100 {
        up = http_get(&addr, "/healthz", None);
        if up.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let me = http_get(&addr, "/api/v1/me", Some(&token)).unwrap_or_default();
    let anonymous = http_get(&addr, "/api/v1/me", None).unwrap_or_default();
    let disabled = zhenxing(&["user", "disable", "--db", &db, "--name", "wang"]);
    let after = http_get(&addr, "/api/v1/me", Some(&token)).unwrap_or_default();
    let _ = server.kill();
    let _ = server.wait();
    assert!(up.unwrap_or_default().ends_with("ok"));
    assert!(
        me.starts_with("HTTP/1.0 200") && me.contains("\"role\":\"county_admin\""),
        "{me}"
    );
    assert!(anonymous.starts_with("HTTP/1.0 401"), "{anonymous}");
    assert!(disabled.status.success(), "{}", text(&disabled));
    assert!(after.starts_with("HTTP/1.0 401"), "{after}");
    let list = zhenxing(&["user", "list", "--db", &db]);
    assert!(
        text(&list).contains("wang\tcounty_admin\t620102000000\t城关区\t已停用"),
        "{}",
        text(&list)
    );
}

/// What the product prints and logs — the import's output and its error report, the server's log
/// at debug level while users search by ID number, open a household and reveal it — holds no
/// whole ID number or phone.
#[test]
fn output_and_logs_show_no_whole_id_number_or_phone() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).to_string_lossy().to_string();
    let db = p("z.db");
    assert!(zhenxing(&["init", "--db", &db]).status.success());
    let wang = id("620102", "19700101", 1);
    let zhang = id("620102", "19720202", 2);
    let stranger = id("620102", "19800808", 3);
    let phone = "13912345678";
    std::fs::write(
        p("h.csv"),
        csv(
            &format!("{H_HEADER},联系电话"),
            &[
                &format!(
                    "A001,620102010201,王伟,2,5800,是,脱贫不稳定户,因病,2024-04-01,否,,{phone}"
                ),
                "A002,999999999999,赵刚,1,9000,否,,,,否,,",
            ],
        ),
    )
    .unwrap();
    std::fs::write(
        p("m.csv"),
        csv(
            M_HEADER,
            &[
                &format!("1,A001,{wang},王伟,男,1970-01-01,户主,患有大病"),
                &format!("2,A001,{zhang},张红,女,1972-02-02,配偶,健康"),
                // The same person again, and a person of a household that was refused.
                &format!("3,A001,{zhang},张红,女,1972-02-02,配偶,健康"),
                &format!("4,A002,{stranger},赵刚,男,1980-08-08,户主,健康"),
            ],
        ),
    )
    .unwrap();
    let import = zhenxing(&[
        "import",
        "--db",
        &db,
        "--households",
        &p("h.csv"),
        "--members",
        &p("m.csv"),
        "--errors",
        &p("errors.csv"),
    ]);
    assert_eq!(import.status.code(), Some(2), "{}", text(&import));
    let report = std::fs::read(p("errors.csv")).unwrap();
    let report = String::from_utf8_lossy(&report).to_string();
    assert!(report.contains("A002"), "{report}");

    let add = [
        "user",
        "add",
        "--db",
        &db,
        "--name",
        "wang",
        "--role",
        "county_admin",
        "--area",
        "620102",
    ];
    assert!(
        zhenxing_with_stdin(&add, "secret-pass-1\n")
            .status
            .success()
    );
    let out = zhenxing(&["user", "token", "--db", &db, "--name", "wang"]);
    let token = String::from_utf8_lossy(&out.stdout)
        .lines()
        .find(|l| l.starts_with("zx_"))
        .unwrap()
        .to_string();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let log = std::fs::File::create(p("serve.log")).unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_zhenxing"))
        .args(["serve", "--db", &db, "--listen", &addr])
        .env("RUST_LOG", "debug")
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if http_get(&addr, "/healthz", None).is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let found =
        http_get(&addr, &format!("/api/v1/households?q={wang}"), Some(&token)).unwrap_or_default();
    let revealed =
        http_get(&addr, "/api/v1/households/A001?reveal=true", Some(&token)).unwrap_or_default();
    let missing = http_get(
        &addr,
        &format!("/api/v1/households?q={stranger}"),
        Some(&token),
    )
    .unwrap_or_default();
    let _ = server.kill();
    let _ = server.wait();
    assert!(found.contains("A001"), "{found}");
    assert!(
        revealed.contains(&wang),
        "the reveal itself answers whole: {revealed}"
    );
    assert!(missing.starts_with("HTTP/1.0 200"), "{missing}");
    let log = std::fs::read_to_string(p("serve.log")).unwrap();
    assert!(!log.is_empty(), "the server logged nothing at debug level");
    for (what, s) in [
        ("import output", text(&import)),
        ("error report", report),
        ("server log", log),
    ] {
        for secret in [&wang, &zhang, &stranger, &phone.to_string()] {
            assert!(!s.contains(secret.as_str()), "{what} shows {secret}: {s}");
        }
    }
}

/// Output piped to a reader that stops after the first line (`| head -1`): the command ends
/// quietly with 141, as Unix tools end on a closed pipe, not with a panic's message.
#[test]
fn output_to_a_closed_pipe_ends_quietly() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db").to_string_lossy().to_string();
    assert!(zhenxing(&["init", "--db", &db]).status.success());
    // A line for every area of the province down to its villages: 1.6 MB, far more than a
    // pipe's buffer.
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhenxing"))
        .args(["stats", "--db", &db, "--format", "csv"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut first = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut first)
        .unwrap();
    assert!(!first.is_empty());
    // The reader is gone (dropped above); the command's next writes meet a closed pipe.
    let out = child.wait_with_output().unwrap();
    let told = String::from_utf8_lossy(&out.stderr);
    assert!(told.is_empty(), "{told}");
    assert_eq!(out.status.code(), Some(141), "{told}");
    // The employment report's table, printed line by line, the same.
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhenxing"))
        .args(["employment", "--db", &db, "--format", "table"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let told = String::from_utf8_lossy(&out.stderr);
    assert!(!told.contains("panicked"), "{told}");
    assert!(
        matches!(out.status.code(), Some(0 | 141)),
        "{:?} {told}",
        out.status
    );
}
