//! 驻村工作队: a county's roster as a clerk saves it (GBK CSV under a title row), with rows of
//! each kind that is refused, imported within the user's area; the teams as of a day — ex-poor
//! villages' first secretaries, teams below the floor, cadres beyond their term, by the level
//! of their unit — per township, the villages needing attention; the same roster again changing
//! nothing, an updated one changing a cadre with its history; the export (unmasked) imported
//! back unchanged, masked otherwise. On SQLite and on PostgreSQL, and from the command line.

use calamine::{Reader, Xlsx, open_workbook};
use chrono::NaiveDate;
use zhenxing_app::auth::{Caller, Via};
use zhenxing_app::{App, AppError};
use zhenxing_domain::work_team::TeamPost;
use zhenxing_domain::{AreaCode, Role, Scope};

use crate::story::{fresh_postgres, postgres_url};
use crate::support::{bad_check, csv, id};

const HEADER: &str = "姓名,证件号码,联系电话,所驻村代码,所驻村,驻村职务,派出单位,派出单位级别,驻村时间,离村时间,备注";

fn area(s: &str) -> AreaCode {
    AreaCode::parse(s).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn user(role: Role, area_code: &str) -> Caller {
    Caller {
        user: zhenxing_app::store::accounts::User {
            id: 1,
            name: "组织部".into(),
            role,
            area: area(area_code),
            disabled: false,
            created_at: String::new(),
        },
        via: Via::Session,
    }
}

fn ids() -> Vec<String> {
    (1..=10).map(|i| id("620102", "19800101", i)).collect()
}

/// Five good rows (one cadre rotated out), then a row for each way a row is refused.
fn rows(ids: &[String]) -> Vec<String> {
    vec![
        format!(
            "张明,{},13800001111,620102001001,,第一书记,省农业农村厅,省直,2025-03-01,,",
            ids[0]
        ),
        format!(
            "李华,{},,620102001001,,工作队员,县教育局,县直,2025/3/1,,",
            ids[1]
        ),
        format!(
            "王强,{},,620102001001,,队员,县农业农村局,县级,20230301,,",
            ids[2]
        ),
        format!(
            "赵丽,{},,620102001002,,工作队长,市人民医院,市直,2025-06-01,,",
            ids[3]
        ),
        format!(
            "钱进,{},,620102001002,,队员,乡镇人民政府,乡镇,2024-01-01,2025-12-31,已轮换",
            ids[4]
        ),
        format!(
            "孙飞,{},,620102001001,,队员,县教育局,县直,2025-03-01,,",
            bad_check(&ids[5])
        ),
        format!(
            "周平,{},,620102001000,,队员,县教育局,县直,2025-03-01,,",
            ids[6]
        ),
        format!(
            "吴刚,{},,620121100001,,队员,县教育局,县直,2025-03-01,,",
            ids[7]
        ),
        format!(
            "郑重,{},,620102002001,,组长,县教育局,县直,2025-03-01,,",
            ids[8]
        ),
        format!(
            "张明,{},13800001111,620102001001,,第一书记,省农业农村厅,省直,2025-03-01,,",
            ids[0]
        ),
        format!(
            "冯雪,{},,620102002001,,第一书记,省交通运输厅,省直,2026-02-01,2025-01-01,",
            ids[9]
        ),
    ]
}

fn gbk_roster(dir: &std::path::Path, name: &str, rows: &[String]) -> std::path::PathBuf {
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let text = format!("城关区驻村干部花名册\r\n{}", csv(HEADER, &rows));
    let path = dir.join(name);
    std::fs::write(&path, encoding_rs::GBK.encode(&text).0).unwrap();
    path
}

async fn work_teams_story(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(db).await.unwrap();
    app.load_divisions(None, None).await.unwrap();
    let ex_poor = [
        area("620102001001"),
        area("620102001002"),
        area("620102002001"),
    ];
    app.store()
        .set_ex_poor_villages(&ex_poor, true)
        .await
        .unwrap();
    let ids = ids();
    let county = user(Role::CountyAdmin, "620102");
    let roster = gbk_roster(dir.path(), "花名册.csv", &rows(&ids));
    let r = app
        .import_roster(&county, &roster, Some("花名册.csv"))
        .await
        .unwrap();
    assert_eq!(
        (r.rows, r.added, r.updated, r.unchanged, r.rejected),
        (11, 5, 0, 0, 6)
    );
    assert_eq!(r.exit_code(), 2);
    let told: Vec<(u64, &str, &str)> = r
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.reason.as_str()))
        .collect();
    let bad = bad_check(&ids[5]);
    let wrong_check = format!(
        "证件号码校验码错误：应为{}，实为{}",
        &ids[5][17..],
        &bad[17..]
    );
    assert_eq!(
        told,
        [
            (8, "证件号码", wrong_check.as_str()),
            (9, "所驻村代码", "所驻村应为村级区划，实为620102001000"),
            (10, "所驻村代码", "所驻村不在您的管辖范围内"),
            (
                11,
                "驻村职务",
                "驻村职务无法识别，可填：第一书记、工作队长、工作队员"
            ),
            (12, "证件号码", "与第3行是同一人"),
            (
                13,
                "离村时间",
                "离村时间（2025-01-01）早于驻村时间（2026-02-01）"
            ),
        ],
        "{:#?}",
        r.errors
    );
    // No whole ID number in what is told.
    for e in &r.errors {
        for i in &ids {
            assert!(!e.value.contains(i.as_str()), "{e:?}");
        }
    }

    // The county's teams on 2026-11-01.
    let on = day(2026, 11, 1);
    let report = app
        .work_team_report(Scope::All, area("620102"), Some(on))
        .await
        .unwrap();
    let t = report.totals;
    assert_eq!(
        (
            t.villages,
            t.members,
            t.first_secretaries,
            t.short_teams,
            t.beyond_term
        ),
        (2, 4, 1, 1, 1)
    );
    assert_eq!((t.ex_poor_villages, t.ex_poor_with_secretary), (3, 1));
    assert_eq!(t.secretary_rate(), "33.33%");
    assert_eq!(t.by_unit_level, [0, 1, 1, 2, 0]);
    assert_eq!(
        report.summary(),
        "截至2026-11-01，城关区有驻村工作队的村2个，在岗驻村干部4人（第一书记1人）；脱贫村3个，已选派第一书记1个（33.33%）；工作队不足3人的1个，驻村期满未轮换1人；本年参加培训0人（0.00%），共0学时"
    );
    let attention: Vec<(String, String)> = report
        .attention
        .iter()
        .map(|v| (v.code.to_string(), v.problems()))
        .collect();
    assert_eq!(
        attention,
        [
            (
                "620102001002".to_string(),
                "脱贫村未选派第一书记；工作队仅1人".to_string()
            ),
            (
                "620102002001".to_string(),
                "脱贫村未选派第一书记".to_string()
            ),
            ("620102001001".to_string(), "1人驻村期满未轮换".to_string()),
        ]
    );
    assert_eq!(report.attention[2].secretary.as_deref(), Some("张明"));
    let by_area: Vec<(String, u64, u64)> = report
        .by_area
        .iter()
        .map(|(c, _, f)| (c.to_string(), f.members, f.ex_poor_villages))
        .collect();
    assert_eq!(
        by_area,
        [
            ("620102001000".to_string(), 4, 2),
            ("620102002000".to_string(), 0, 1)
        ]
    );
    let names: Vec<(&str, bool)> = report
        .members
        .iter()
        .map(|m| (m.member.name.as_str(), m.in_post))
        .collect();
    assert_eq!(
        names,
        [
            ("张明", true),
            // Within a post, who came first.
            ("王强", true),
            ("李华", true),
            ("赵丽", true),
            ("钱进", false)
        ]
    );
    assert!(report.members[1].beyond_term);
    assert_eq!(report.members[0].phone_masked(), "138****1111");
    assert_eq!(
        report.members[0].id_masked(),
        format!("6201**********{}", &ids[0][14..])
    );
    // As of an earlier day: 王强 not yet beyond his term, 钱进 still in post, 张明 not come.
    let before = app
        .work_team_report(Scope::All, area("620102"), Some(day(2025, 2, 1)))
        .await
        .unwrap();
    assert_eq!((before.totals.members, before.totals.beyond_term), (2, 0));
    // A province: the roster is not listed above a county; the city counts it.
    let province = app
        .work_team_report(Scope::All, area("620000"), Some(on))
        .await
        .unwrap();
    assert!(province.members.is_empty());
    assert_eq!(province.totals, report.totals);

    // A township sees its own; nothing of another's.
    let township = user(Role::TownshipOfficer, "620102002");
    let own = app
        .work_team_report_as(&township, area("620102002"), Some(on))
        .await
        .unwrap();
    assert_eq!((own.totals.ex_poor_villages, own.totals.members), (1, 0));
    for outside in ["620102001", "620102", "620000"] {
        assert!(
            matches!(
                app.work_team_report_as(&township, area(outside), None)
                    .await,
                Err(AppError::NotFound)
            ),
            "{outside}"
        );
    }
    let cadre = user(Role::VillageCadre, "620102001001");
    assert!(matches!(
        app.import_roster(&cadre, &roster, None).await,
        Err(AppError::Forbidden)
    ));

    // The same roster again: nothing changes. 赵丽 made first secretary: one update, kept.
    let again = app.import_roster(&county, &roster, None).await.unwrap();
    assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 5));
    let updated = gbk_roster(
        dir.path(),
        "更新.csv",
        &[format!(
            "赵丽,{},,620102001002,,第一书记,市人民医院,市直,2025-06-01,,",
            ids[3]
        )],
    );
    let r = app.import_roster(&county, &updated, None).await.unwrap();
    assert_eq!((r.added, r.updated, r.rejected), (0, 1, 0));
    let stored = app
        .store()
        .work_teams()
        .team_members(Scope::All, area("620102001002"))
        .await
        .unwrap();
    let zhao = stored.iter().find(|s| s.member.name == "赵丽").unwrap();
    assert_eq!(
        (zhao.version, zhao.member.post),
        (2, TeamPost::FirstSecretary)
    );
    assert_eq!(zhao.changed_by, "组织部");
    let after = app
        .work_team_report(Scope::All, area("620102"), Some(on))
        .await
        .unwrap();
    assert_eq!(after.totals.ex_poor_with_secretary, 2);

    // Exported unmasked, the roster imports back unchanged; masked, no whole ID number is in it.
    let out = dir.path().join("花名册.xlsx");
    after.write_roster(&out, true).unwrap();
    let back = app.import_roster(&county, &out, None).await.unwrap();
    assert!(back.errors.is_empty(), "{:?}", back.errors);
    assert_eq!((back.rows, back.unchanged), (5, 5));
    let masked = dir.path().join("脱敏.xlsx");
    after.write_roster(&masked, false).unwrap();
    let mut book: Xlsx<_> = open_workbook(&masked).unwrap();
    let sheet = book.worksheet_range("驻村干部花名册").unwrap();
    let cells: Vec<String> = sheet.rows().flatten().map(|c| c.to_string()).collect();
    assert!(cells.iter().any(|c| c == "张明"));
    for i in &ids {
        assert!(!cells.iter().any(|c| c.contains(i.as_str())), "{i}");
    }
    assert!(!cells.iter().any(|c| c.contains("13800001111")));
    phone_checks_story(&app).await;
    trainings_story(&app, dir.path()).await;
    accounts_story(&app, dir.path(), &ids).await;
    app.close().await;
}

/// 系统账号: the roster names the account each cadre checks in with (one of the village's, of a
/// role that checks in, once); the teams' list gives each linked cadre's month of attendance,
/// and a phone check that finds a cadre away on a day their own word said 在岗 is flagged.
async fn accounts_story(app: &App, dir: &std::path::Path, ids: &[String]) {
    use zhenxing_app::users::{AddUser, Manager};
    use zhenxing_domain::attendance::CheckinKind;
    use zhenxing_domain::work_team::CallResult;
    let mut made = std::collections::HashMap::new();
    for (name, role, code) in [
        ("cun_a", Role::VillageCadre, "620102001001"),
        ("dui_b", Role::TeamMember, "620102001001"),
        ("xian_c", Role::CountyOfficer, "620102"),
        ("yongdeng_d", Role::TeamMember, "620121100001"),
    ] {
        let u = app
            .add_user(
                Manager::CommandLine,
                AddUser {
                    name: name.into(),
                    role,
                    area: area(code),
                    password: Some("correct-horse-9".into()),
                },
            )
            .await
            .unwrap();
        made.insert(name, u.user.id);
    }
    let header = format!("{HEADER},系统账号");
    let rows = [
        format!(
            "张明,{},13800001111,620102001001,,第一书记,省农业农村厅,省直,2025-03-01,,,cun_a",
            ids[0]
        ),
        format!(
            "李华,{},,620102001001,,工作队员,县教育局,县直,2025/3/1,,,nobody",
            ids[1]
        ),
        format!(
            "王强,{},,620102001001,,队员,县农业农村局,县级,20230301,,,cun_a",
            ids[2]
        ),
        format!(
            "赵丽,{},,620102001002,,工作队长,市人民医院,市直,2025-06-01,,,dui_b",
            ids[3]
        ),
        format!(
            "钱进,{},,620102001002,,队员,乡镇人民政府,乡镇,2024-01-01,2025-12-31,已轮换,xian_c",
            ids[4]
        ),
        // Another county's account: not told apart from none.
        format!(
            "孙新,{},,620102001001,,队员,县教育局,县直,2025-03-01,,,yongdeng_d",
            id("620102", "19900101", 11)
        ),
    ];
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let file = dir.join("账号.csv");
    std::fs::write(&file, csv(&header, &rows)).unwrap();
    let county = user(Role::CountyAdmin, "620102");
    let r = app.import_roster(&county, &file, None).await.unwrap();
    assert_eq!(
        (r.added, r.updated, r.rejected),
        (0, 1, 5),
        "{:?}",
        r.errors
    );
    let told: Vec<(u64, &str, &str)> = r
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.reason.as_str()))
        .collect();
    assert_eq!(
        told,
        [
            (3, "系统账号", "系统账号“nobody”不存在"),
            (4, "系统账号", "与第2行是同一个系统账号"),
            (
                5,
                "系统账号",
                "系统账号“dui_b”属于酒泉路街道畅家巷社区居委会，不是所驻村的账号"
            ),
            (
                6,
                "系统账号",
                "系统账号“xian_c”是县级业务人员，不签到考勤（应为村干部或驻村队员的账号）"
            ),
            (7, "系统账号", "系统账号“yongdeng_d”不存在"),
        ]
    );

    // 张明's account checks in today: the list gives his month; 李华 has no account.
    let today = zhenxing_domain::today_in_china();
    app.store()
        .check_in(
            made["cun_a"],
            area("620102001001"),
            today,
            CheckinKind::Present,
            None,
        )
        .await
        .unwrap();
    let report = app
        .work_team_report(Scope::All, area("620102"), None)
        .await
        .unwrap();
    let row = |name: &str| {
        report
            .members
            .iter()
            .find(|m| m.member.name == name)
            .unwrap()
    };
    let zhang = row("张明").attendance.expect("linked");
    let calendar_counts = zhang.working_days > 0;
    assert_eq!(
        zhang.present,
        u32::from(calendar_counts && app_working_day(app, today).await),
        "{zhang:?}"
    );
    assert!(row("李华").attendance.is_none());
    // The attendance page says who the account is on the roster.
    let month = app.attendance(&county, area("620102"), None).await.unwrap();
    let seen: Vec<(&str, Option<&str>)> = month
        .rows
        .iter()
        .map(|r| (r.name.as_str(), r.cadre.as_deref()))
        .collect();
    assert!(
        seen.contains(&("cun_a", Some("张明（第一书记）"))),
        "{seen:?}"
    );
    assert!(seen.contains(&("dui_b", None)), "{seen:?}");
    assert_eq!(row("张明").member.account.as_deref(), Some("cun_a"));

    // A call that finds him away on a day his own word said 在岗: flagged, in the workbook too.
    let checks = app
        .phone_check_report_as(&county, area("620102"), None)
        .await
        .unwrap();
    let no = checks.checks.iter().find(|c| c.name == "张明").unwrap().no;
    app.record_phone_check_as(
        &county,
        area("620102"),
        no,
        CallResult::Absent,
        Some("人不在村"),
    )
    .await
    .unwrap();
    let checks = app
        .phone_check_report_as(&county, area("620102"), None)
        .await
        .unwrap();
    let line = checks.checks.iter().find(|c| c.no == no).unwrap();
    assert_eq!(line.checked_in, Some(CheckinKind::Present));
    assert!(line.contradicts());
    assert_eq!(checks.contradicted(), 1);
    assert!(
        checks
            .checks
            .iter()
            .filter(|c| c.no != no)
            .all(|c| !c.contradicts() && c.checked_in.is_none())
    );
    let book = dir.join("抽查.xlsx");
    checks.write_xlsx(&book).unwrap();
    let mut wb: Xlsx<_> = open_workbook(&book).unwrap();
    let sheet = wb.worksheet_range("电话抽查").unwrap();
    assert!(
        sheet
            .rows()
            .any(|r| r.get(13).map(|c| c.to_string()).as_deref() == Some("在岗（与抽查不符）"))
    );
}

/// Whether `day` is a working day on the province's calendar of its year.
async fn app_working_day(app: &App, day: NaiveDate) -> bool {
    use chrono::Datelike;
    let year = zhenxing_domain::PolicyYear::new(day.year() as u16).unwrap();
    app.policy_in_force(area("620000"), year)
        .await
        .map(|p| p.policy.calendar.is_working_day(day))
        .unwrap_or(true)
}

/// 驻村干部培训: a county's training ledger, each trainee found on the roster (the name
/// checked), the rows refused told; this year's trained cadres and hours in the report.
async fn trainings_story(app: &App, dir: &std::path::Path) {
    use chrono::Datelike;
    let ids = ids();
    let today = zhenxing_domain::today_in_china();
    let this_year = format!("{}-01-02", today.year()).min(today.to_string());
    let last_year = format!("{}-06-01", today.year() - 1);
    let rows = [
        format!(
            "张明,{},乡村振兴专题培训班,{this_year},16,省委组织部",
            ids[0]
        ),
        format!("张明,{},驻村干部轮训,{last_year},8,", ids[0]),
        format!(
            "李华,{},乡村振兴专题培训班,{this_year},16,省委组织部",
            ids[1]
        ),
        format!("王二,{},乡村振兴专题培训班,{this_year},16,", ids[2]),
        format!("钱进,{},驻村干部轮训,{this_year},0,", ids[4]),
        format!("路人,{},驻村干部轮训,{this_year},8,", ids[9]),
        format!("李华,{},乡村振兴专题培训班,{this_year},16,", ids[1]),
    ];
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let file = dir.join("培训.csv");
    std::fs::write(
        &file,
        csv("姓名,证件号码,培训班名称,培训日期,学时,主办单位", &rows),
    )
    .unwrap();
    let county = user(Role::CountyAdmin, "620102");
    let r = app.import_trainings(&county, &file, None).await.unwrap();
    assert_eq!((r.rows, r.added, r.rejected), (7, 3, 4), "{:?}", r.errors);
    let told: Vec<(u64, &str, &str)> = r
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.code))
        .collect();
    assert_eq!(
        told,
        [
            (5, "姓名", "name_differs"),
            (6, "学时", "rule"),
            (7, "证件号码", "not_registered"),
            (8, "证件号码", "duplicate"),
        ]
    );
    assert!(r.summary().contains("新增培训记录3条"), "{}", r.summary());
    assert!(
        !r.errors.iter().any(|e| e.value.contains(&ids[9][6..14])),
        "masked"
    );
    // The report: 张明 and 李华 of the four in post trained this year, 32 hours.
    let report = app
        .work_team_report(Scope::All, area("620102"), None)
        .await
        .unwrap();
    let t = report.totals;
    assert_eq!((t.members, t.trained, t.training_hours), (4, 2, 32));
    assert_eq!(t.training_rate(), "50.00%");
    let zhang = report
        .members
        .iter()
        .find(|m| m.member.name == "张明")
        .unwrap();
    assert_eq!(zhang.training_hours, 16, "last year's not counted");
    // Again: nothing changes. Another county's bureau: every row outside its area.
    let again = app.import_trainings(&county, &file, None).await.unwrap();
    assert_eq!((again.added, again.unchanged), (0, 3));
    let other = user(Role::CountyAdmin, "620121");
    let r = app.import_trainings(&other, &file, None).await.unwrap();
    assert_eq!(r.added + r.updated + r.unchanged, 0);
    assert!(r.errors.iter().any(|e| e.code == "outside_scope"));
    let cadre = user(Role::VillageCadre, "620102001001");
    assert!(matches!(
        app.import_trainings(&cadre, &file, None).await,
        Err(AppError::Forbidden)
    ));
}

/// 电话抽查: the county draws cadres in post at random (at most each once a day), records what
/// each call found (a later call's word replacing the first), the 在岗率 of those reached; the
/// whole number only to who may see personal data, audited; nothing of another county's.
async fn phone_checks_story(app: &App) {
    use zhenxing_domain::work_team::CallResult;
    let county = user(Role::CountyAdmin, "620102");
    let township = user(Role::TownshipOfficer, "620102001");
    assert!(matches!(
        app.draw_phone_checks_as(&township, area("620102001"), 1)
            .await,
        Err(AppError::Forbidden)
    ));
    for n in [0, 201] {
        assert!(matches!(
            app.draw_phone_checks_as(&county, area("620102"), n).await,
            Err(AppError::Invalid(_))
        ));
    }
    // Four cadres in post today (钱进 has left): three drawn, then the one left.
    assert_eq!(
        app.draw_phone_checks_as(&county, area("620102"), 3)
            .await
            .unwrap(),
        3
    );
    let r = app
        .phone_check_report_as(&county, area("620102"), None)
        .await
        .unwrap();
    assert_eq!(
        (r.figures.drawn, r.figures.pending(), r.drawable),
        (3, 3, 1)
    );
    assert_eq!(
        app.draw_phone_checks_as(&county, area("620102"), 5)
            .await
            .unwrap(),
        1
    );
    let none_left = app.draw_phone_checks_as(&county, area("620102"), 1).await;
    assert!(
        matches!(&none_left, Err(AppError::Invalid(why)) if why.contains("没有可抽查")),
        "{none_left:?}"
    );
    let r = app
        .phone_check_report_as(&county, area("620102"), None)
        .await
        .unwrap();
    let mut names: Vec<&str> = r.checks.iter().map(|c| c.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["张明", "李华", "王强", "赵丽"]);
    let mut numbers: Vec<i64> = r.checks.iter().map(|c| c.no).collect();
    numbers.sort();
    assert_eq!(numbers, [1, 2, 3, 4]);
    let no_of = |name: &str| r.checks.iter().find(|c| c.name == name).unwrap().no;
    let zhang = r.checks.iter().find(|c| c.name == "张明").unwrap();
    assert_eq!(zhang.phone_masked.as_deref(), Some("138****1111"));
    assert!(!zhang.id_masked.contains(&ids()[0][6..14]));

    let county_code = area("620102");
    for (name, result, note) in [
        ("张明", CallResult::InPost, None),
        ("李华", CallResult::Absent, Some("在县城开会，未请假")),
        ("王强", CallResult::NoAnswer, None),
        ("王强", CallResult::InPost, Some("回拨接通，在村")),
    ] {
        let c = app
            .record_phone_check_as(&county, county_code, no_of(name), result, note)
            .await
            .unwrap();
        assert_eq!(c.result, Some(result));
    }
    let r = app
        .phone_check_report_as(&county, area("620102"), None)
        .await
        .unwrap();
    let f = r.figures;
    assert_eq!(
        (f.drawn, f.in_post, f.absent, f.no_answer, f.pending()),
        (4, 2, 1, 0, 1)
    );
    assert_eq!(f.in_post_rate(), "66.67%");
    assert_eq!(r.by_area.len(), 1);
    assert_eq!(r.by_area[0].0, area("620102001"));
    let li = r.checks.iter().find(|c| c.name == "李华").unwrap();
    assert_eq!(li.note.as_deref(), Some("在县城开会，未请假"));
    assert_eq!(li.called_by.as_deref(), Some("组织部"));
    assert!(
        r.summary()
            .contains("电话抽查驻村干部4人次：在岗2、不在岗1、未接通0、待拨打1，在岗率66.67%"),
        "{}",
        r.summary()
    );
    // Last month: none.
    let last = chrono::Datelike::with_day(&zhenxing_domain::today_in_china(), 1)
        .unwrap()
        .pred_opt()
        .unwrap();
    let before = app
        .phone_check_report_as(&county, area("620102"), Some(last))
        .await
        .unwrap();
    assert_eq!(before.figures.drawn, 0);

    // The whole number: to the county bureau, audited; not to a city (masked data only).
    assert_eq!(
        app.phone_check_number_as(&county, county_code, no_of("张明"))
            .await
            .unwrap(),
        "13800001111"
    );
    let audit = app
        .audit_log(&user(Role::Auditor, "620102"), None, 20)
        .await
        .unwrap();
    assert!(
        audit
            .entries
            .iter()
            .any(|e| e.action == "reveal_personal_data"
                && e.subject == format!("phone_check:620102000000/{}", no_of("张明"))),
        "{:?}",
        audit.entries
    );
    assert!(matches!(
        app.phone_check_number_as(&county, county_code, no_of("李华"))
            .await,
        Err(AppError::Invalid(_))
    ));
    let city = user(Role::CityAdmin, "620100");
    assert!(matches!(
        app.phone_check_number_as(&city, county_code, no_of("张明"))
            .await,
        Err(AppError::Forbidden)
    ));
    assert_eq!(
        app.phone_check_report_as(&city, area("620100"), None)
            .await
            .unwrap()
            .figures
            .drawn,
        4
    );
    // Another county: its own checks only, none of these reached.
    let other = user(Role::CountyAdmin, "620121");
    assert!(matches!(
        app.phone_check_report_as(&other, area("620102"), None)
            .await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        app.record_phone_check_as(&other, county_code, no_of("张明"), CallResult::Absent, None)
            .await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        app.phone_check_number_as(&other, county_code, no_of("张明"))
            .await,
        Err(AppError::NotFound)
    ));
    assert!(matches!(
        app.draw_phone_checks_as(&other, area("620102"), 1).await,
        Err(AppError::NotFound)
    ));
    // A note too long is refused, nothing written.
    let long = "很".repeat(201);
    assert!(matches!(
        app.record_phone_check_as(
            &county,
            county_code,
            no_of("赵丽"),
            CallResult::InPost,
            Some(&long)
        )
        .await,
        Err(AppError::Invalid(_))
    ));
}

#[tokio::test]
async fn work_teams_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    work_teams_story(&dir.path().join("w.db").to_string_lossy()).await;
}

#[tokio::test]
async fn work_teams_on_postgres() {
    let Some(base) = postgres_url() else { return };
    work_teams_story(&fresh_postgres(&base).await).await;
}

#[tokio::test]
async fn work_teams_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db").to_string_lossy().to_string();
    let run = crate::support::zhenxing;
    assert!(run(&["init", "--db", &db]).status.success());
    let roster = gbk_roster(dir.path(), "花名册.csv", &rows(&ids()));
    let errors = dir.path().join("错误.csv");
    let o = run(&[
        "work-teams",
        "import",
        "--db",
        &db,
        "--file",
        &roster.to_string_lossy(),
        "--errors",
        &errors.to_string_lossy(),
    ]);
    // From the command line the whole province is in reach: 永登县's cadre goes in too.
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("读取11行，新增驻村干部6人，更新0人，未变0人，5行未导入"),
        "{text}"
    );
    let report = std::fs::read_to_string(&errors).unwrap();
    assert!(report.contains("花名册.csv,,11,驻村职务,组长,"), "{report}");
    let o = run(&[
        "work-teams",
        "stats",
        "--db",
        &db,
        "--area",
        "620102",
        "--date",
        "2026-11-01",
        "--format",
        "json",
    ]);
    // A team below the floor, a cadre beyond the term: exit status 2.
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["totals"]["members"], 4);
    assert_eq!(json["totals"]["short_teams"], 1);
    assert_eq!(json["rule"]["min_members"], 3);
    let o = run(&["work-teams", "stats", "--db", &db, "--date", "明天"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("--date 应为日期"));
    let out = dir.path().join("花名册.xlsx");
    let o = run(&[
        "work-teams",
        "export",
        "--db",
        &db,
        "--area",
        "620102",
        "--out",
        &out.to_string_lossy(),
        "--unmasked",
    ]);
    assert!(o.status.success(), "{o:?}");
    let o = run(&[
        "work-teams",
        "import",
        "--db",
        &db,
        "--file",
        &out.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("未变5人"));
    let o = run(&[
        "work-teams",
        "export",
        "--db",
        &db,
        "--area",
        "620000",
        "--out",
        &out.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    // A month's phone checks, drawn and one call recorded on the page (here through the app),
    // read from the command line: the figures, the workbook, exit status 2 for the one away.
    {
        use zhenxing_domain::work_team::CallResult;
        let app = App::open(&db).await.unwrap();
        let county = user(Role::CountyAdmin, "620102");
        app.draw_phone_checks_as(&county, area("620102"), 2)
            .await
            .unwrap();
        let r = app
            .phone_check_report_as(&county, area("620102"), None)
            .await
            .unwrap();
        app.record_phone_check_as(
            &county,
            r.checks[0].county,
            r.checks[0].no,
            CallResult::Absent,
            Some("不在村"),
        )
        .await
        .unwrap();
        app.close().await;
    }
    let book = dir.path().join("电话抽查.xlsx");
    let o = run(&[
        "work-teams",
        "phone-checks",
        "--db",
        &db,
        "--area",
        "620102",
        "--format",
        "csv",
        "--out",
        &book.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.starts_with("code,name,drawn,in_post,absent,no_answer,pending,in_post_rate"),
        "{text}"
    );
    assert!(
        text.contains("620102000000,城关区合计,2,0,1,0,1,0.00%"),
        "{text}"
    );
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&book).unwrap();
    let sheet = calamine::Reader::worksheet_range(&mut wb, "电话抽查").unwrap();
    assert_eq!(sheet.height(), 4, "the title, the header, two checks");
    let o = run(&[
        "work-teams",
        "phone-checks",
        "--db",
        &db,
        "--month",
        "十二月",
    ]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("--month 应为月份"));
}
